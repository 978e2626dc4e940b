package envflag

import (
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// values holds one flag of each kind.
type values struct {
	s     string
	i     int
	i64   int64
	b     bool
	d     time.Duration
	level slog.Level
}

func define(env map[string]string) (*flag.FlagSet, *Set, *values) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s := New(fs, func(k string) string { return env[k] })
	v := &values{}
	s.String(&v.s, "name", "T_NAME", "plain", "a `name`")
	s.Int(&v.i, "count", "T_COUNT", 3, "a count")
	s.Int64(&v.i64, "size", "T_SIZE", 1<<40, "a size")
	s.Bool(&v.b, "on", "T_ON", false, "a switch")
	s.Duration(&v.d, "wait", "T_WAIT", time.Second, "a wait")
	s.Level(&v.level, "level", "T_LEVEL", slog.LevelInfo, "a level")
	return fs, s, v
}

func TestSet(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    values
		wantErr string // in Err; empty means none
	}{
		{
			name: "defaults",
			want: values{s: "plain", i: 3, i64: 1 << 40, d: time.Second, level: slog.LevelInfo},
		},
		{
			name: "env sets the defaults",
			env: map[string]string{"T_NAME": "berlin", "T_COUNT": "-7", "T_SIZE": "9000000000",
				"T_ON": "true", "T_WAIT": "90s", "T_LEVEL": "warn"},
			want: values{s: "berlin", i: -7, i64: 9000000000, b: true, d: 90 * time.Second, level: slog.LevelWarn},
		},
		{
			name: "flags override env",
			env:  map[string]string{"T_NAME": "berlin", "T_COUNT": "12", "T_ON": "1", "T_WAIT": "2m", "T_LEVEL": "debug"},
			args: []string{"-name", "oslo", "-count", "4", "-on=false", "-wait", "250ms", "-level", "error"},
			want: values{s: "oslo", i: 4, i64: 1 << 40, d: 250 * time.Millisecond, level: slog.LevelError},
		},
		{name: "malformed int", env: map[string]string{"T_COUNT": "three"}, wantErr: `T_COUNT="three" is not an integer`},
		{name: "malformed int64", env: map[string]string{"T_SIZE": "1e9"}, wantErr: `T_SIZE="1e9" is not an integer`},
		{name: "malformed bool", env: map[string]string{"T_ON": "yes"}, wantErr: `T_ON="yes" is not a boolean`},
		{name: "malformed duration", env: map[string]string{"T_WAIT": "10"}, wantErr: `T_WAIT="10" is not a duration such as 5s or 1m`},
		{name: "malformed level", env: map[string]string{"T_LEVEL": "loud"}, wantErr: `T_LEVEL="loud" is not a log level`},
		{
			name:    "first malformed variable is kept",
			env:     map[string]string{"T_COUNT": "x", "T_WAIT": "y"},
			wantErr: `T_COUNT="x" is not an integer`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, s, v := define(tt.env)
			if tt.wantErr != "" {
				if err := s.Err(); err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Err() = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err := s.Err(); err != nil {
				t.Fatalf("Err() = %v", err)
			}
			if err := fs.Parse(tt.args); err != nil {
				t.Fatalf("Parse(%q) = %v", tt.args, err)
			}
			if *v != tt.want {
				t.Errorf("values = %+v, want %+v", *v, tt.want)
			}
		})
	}
}

func TestUsageNamesEnv(t *testing.T) {
	fs, _, _ := define(nil)
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	for _, want := range []string{"-name name\n", "a name (env T_NAME) (default \"plain\")", "a count (env T_COUNT)", "a level (env T_LEVEL)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"postgres://reader:s3cret@db.internal:5432/news?sslmode=require", "postgres://reader:xxxxx@db.internal:5432/news?sslmode=require"},
		{"postgres://db.internal/news?user=reader&password=s3cret", "postgres://db.internal/news?password=xxxxx&user=reader"},
		{"postgresql://reader@db.internal/news", "postgresql://reader@db.internal/news"},
		{"host=db.internal user=reader password=s3cret dbname=news", Redacted},
		{"postgres://%zz", Redacted},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
