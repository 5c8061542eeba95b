package policy

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/eval/*.golden from the current results")

// corpusCase is one file of testdata/eval: the policies of a documented
// scenario and the requests made against them. The decisions are kept in
// the matching .golden file, one line per request.
type corpusCase struct {
	Source   string          `json:"source"` // the AWS page the scenario comes from
	Identity []corpusPolicy  `json:"identity"`
	Resource *corpusPolicy   `json:"resource"`
	Boundary *corpusPolicy   `json:"boundary"`
	Session  []corpusPolicy  `json:"session"`
	Requests []corpusRequest `json:"requests"`
}

type corpusPolicy struct {
	Name   string          `json:"name"`
	Kind   string          `json:"kind"`
	Policy json.RawMessage `json:"policy"`
}

type corpusRequest struct {
	Comment   string              `json:"comment"`
	Principal corpusPrincipal     `json:"principal"`
	Action    string              `json:"action"`
	Resource  string              `json:"resource"`
	Owner     string              `json:"owner"`
	Context   map[string][]string `json:"context"`
}

type corpusPrincipal struct {
	Type     string `json:"type"`
	Account  string `json:"account"`
	ARN      string `json:"arn"`
	Role     string `json:"role"`
	Service  string `json:"service"`
	Provider string `json:"provider"`
}

var corpusTypes = map[string]PrincipalType{
	"anonymous": Anonymous, "root": Root, "user": User, "assumed-role": AssumedRole,
	"federated-user": FederatedUser, "service": Service, "web-identity": WebIdentity,
}

func corpusKind(t *testing.T, name string) Kind {
	for k, n := range kindNames {
		if n == name {
			return k
		}
	}
	t.Fatalf("unknown kind %q", name)
	return 0
}

func (cp *corpusPolicy) attached(t *testing.T) Attached {
	p, err := Parse(cp.Policy, corpusKind(t, cp.Kind))
	if err != nil {
		t.Fatalf("policy %s: %v", cp.Name, err)
	}
	return Attached{Name: cp.Name, Policy: p}
}

// TestCorpus evaluates every scenario under testdata/eval and compares
// the decisions with the .golden files (go test -run TestCorpus -update
// rewrites them; review the diff).
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/eval/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c corpusCase
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&c); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got := runCorpus(t, &c)
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("decisions differ from %s\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

func runCorpus(t *testing.T, c *corpusCase) string {
	var set PolicySet
	for i := range c.Identity {
		set.Identity = append(set.Identity, c.Identity[i].attached(t))
	}
	for i := range c.Session {
		set.Session = append(set.Session, c.Session[i].attached(t))
	}
	if c.Resource != nil {
		a := c.Resource.attached(t)
		set.Resource = &a
	}
	if c.Boundary != nil {
		a := c.Boundary.attached(t)
		set.Boundary = &a
	}
	var b strings.Builder
	for _, r := range c.Requests {
		typ, ok := corpusTypes[r.Principal.Type]
		if !ok {
			t.Fatalf("unknown principal type %q", r.Principal.Type)
		}
		ctx := Keys{}
		for k, v := range r.Context {
			ctx.Set(k, v...)
		}
		req := Request{
			Principal: Principal{Type: typ, Account: r.Principal.Account, ARN: r.Principal.ARN,
				RoleARN: r.Principal.Role, ServiceName: r.Principal.Service, Provider: r.Principal.Provider},
			Action: r.Action, Resource: r.Resource, ResourceAccount: r.Owner, Context: ctx,
		}
		fmt.Fprintf(&b, "%s: %v\n", r.Comment, Evaluate(req, set))
	}
	return b.String()
}
