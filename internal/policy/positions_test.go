package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatementSpans(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []Span
	}{
		{name: "one line list",
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["s3:*"],"Resource":"*"}]}`,
			want: []Span{{Position{1, 38}, Position{1, 84}}, {Position{1, 85}, Position{1, 135}}}},
		{name: "single object over lines",
			doc:  "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:*\",\n    \"Resource\": {\"x\": [1]}\n  }\n}",
			want: []Span{{Position{3, 16}, Position{7, 4}}}},
		{name: "Statement after other members",
			doc:  `{"Id":{"a":[{}]},"Statement":[{}]}`,
			want: []Span{{Position{1, 31}, Position{1, 33}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StatementSpans([]byte(tt.doc))
			if err != nil {
				t.Fatalf("StatementSpans: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("StatementSpans(%s) (-want +got):\n%s", tt.doc, diff)
			}
		})
	}
	for _, bad := range []string{``, `[]`, `{"Version":"2012-10-17"}`, `{"Statement":"x"}`, `{"Statement":[1]}`, `{"Statement":[{"a":`} {
		if _, err := StatementSpans([]byte(bad)); err == nil {
			t.Errorf("StatementSpans(%q) = nil error", bad)
		}
	}
}

// FuzzStatementSpans checks that StatementSpans never panics and that
// every span it returns lies inside the document.
func FuzzStatementSpans(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	f.Add("{\n\"Statement\": {\n}\n}")
	f.Add(`{"Statement":[{},{"a":[{}]}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		spans, err := StatementSpans([]byte(doc))
		if err != nil {
			return
		}
		for _, s := range spans {
			if s.Start.Line < 1 || s.Start.Column < 1 || s.End.Line < s.Start.Line {
				t.Fatalf("StatementSpans(%q) = bad span %+v", doc, s)
			}
		}
	})
}
