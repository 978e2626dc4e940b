package store

import (
	"context"
	"strings"
	"testing"
)

func TestGenericPlans(t *testing.T) {
	requireDB(t)
	sep := "?"
	if strings.Contains(testDatabaseURL, "?") {
		sep = "&"
	}
	tests := []struct {
		name string
		url  string
		opts []Option
		want string
	}{
		{"asked for", testDatabaseURL, []Option{WithGenericPlans()}, "force_generic_plan"},
		{"not asked for", testDatabaseURL, nil, "auto"},
		{"the URL's setting wins", testDatabaseURL + sep + "plan_cache_mode=force_custom_plan", []Option{WithGenericPlans()}, "force_custom_plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.url, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var got string
			if err := db.pool.QueryRow(context.Background(), "SHOW plan_cache_mode").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("plan_cache_mode = %q, want %q", got, tt.want)
			}
		})
	}
}
