package ninjs

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      Kind
		wantField string
	}{
		{name: "ninjs 2.x wire story", in: string(readTestdata(t, "wire_story.json")), want: KindNinjs},
		{name: "ninjs 1.x", in: string(readTestdata(t, "legacy_1x.json")), want: KindNinjs},
		{name: "ninjs headlines only", in: string(readTestdata(t, "kill_notice.json")), want: KindNinjs},
		{name: "ninjs body_text only", in: `{"uri":"u","body_text":"t"}`, want: KindNinjs},
		{name: "article", in: `{"external_id":"a-1","url":"https://x.example/a","title":"T","body":"B","format":"text","source":"x","published_at":"2025-01-01T00:00:00Z","language":"en"}`, want: KindArticle},
		{name: "article with a stray unknown field", in: `{"external_id":"a-1","body":"B","extra":1}`, want: KindArticle},
		{name: "both uri and external_id", in: `{"uri":"u","external_id":"a","bodies":[]}`, wantField: "document"},
		{name: "null uri does not count", in: `{"uri":null,"external_id":"a"}`, want: KindArticle},
		{name: "ninjs without content", in: `{"uri":"u","version":"1"}`, wantField: "bodies"},
		{name: "ninjs with null content", in: `{"uri":"u","bodies":null}`, wantField: "bodies"},
		{name: "neither", in: `{"title":"T","body":"B"}`, wantField: "document"},
		{name: "upper-case keys", in: `{"URI":"u","Bodies":[]}`, wantField: "document"},
		{name: "empty object", in: `{}`, wantField: "document"},
		{name: "array", in: `[]`, wantField: "document"},
		{name: "not JSON", in: `<xml/>`, wantField: "document"},
		{name: "empty", in: ``, wantField: "document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect([]byte(tt.in))
			if field := errField(err); field != tt.wantField {
				t.Fatalf("Detect error field = %q (%v), want %q", field, err, tt.wantField)
			}
			if got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}
