package depcheck

import (
	"bytes"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/coffer-s3/coffer"

// graph maps each of the module's packages (import path) to its transitive
// non-test dependencies, as `go list -deps` computes them.
func graph(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	g := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			g[f[0]] = f[1:]
		}
	}
	return g
}

// under reports whether pkg is dir (a path relative to the module) or inside
// it.
func under(pkg, dir string) bool {
	p := module + "/" + dir
	return pkg == p || strings.HasPrefix(pkg, p+"/")
}

func ours(pkg string) bool { return strings.HasPrefix(pkg, module+"/") }

// rule forbids packages matching from to depend, even indirectly, on a
// package that forbidden reports true for.
type rule struct {
	name      string
	from      func(pkg string) bool
	forbidden func(dep string) bool
}

func exact(dir string) func(string) bool {
	return func(pkg string) bool { return pkg == module+"/"+dir }
}

func tree(dirs ...string) func(string) bool {
	return func(pkg string) bool {
		for _, d := range dirs {
			if under(pkg, d) {
				return true
			}
		}
		return false
	}
}

func std(pkgs ...string) func(string) bool {
	return func(dep string) bool {
		for _, p := range pkgs {
			if dep == p {
				return true
			}
		}
		return false
	}
}

func or(fs ...func(string) bool) func(string) bool {
	return func(s string) bool {
		for _, f := range fs {
			if f(s) {
				return true
			}
		}
		return false
	}
}

// rules are STYLE.md's "Dependency direction".
var rules = []rule{
	{"meta imports nothing of ours", exact("internal/meta"), ours},
	{"blob imports nothing of ours", exact("internal/blob"), ours},
	{"clock imports nothing of ours", exact("internal/clock"), ours},
	{"sse imports nothing of ours", tree("internal/sse"), ours},
	{"cors is pure: nothing of ours, no wire", exact("internal/cors"), or(ours, std("net/http", "encoding/xml"))},
	{"lifecycle rules are pure: nothing of ours, no wire", exact("internal/lifecycle/rules"), or(ours, std("net/http", "encoding/xml"))},
	{"queue sits on meta alone", exact("internal/queue"), func(dep string) bool { return ours(dep) && dep != module+"/internal/meta" }},
	{"the lifecycle engine knows no wire", exact("internal/lifecycle"),
		tree("internal/s3api", "internal/sigv4", "internal/server", "internal/operatorapi")},
	{"acl is pure: only the policy language, no wire", exact("internal/acl"),
		or(func(dep string) bool { return ours(dep) && dep != module+"/internal/policy" }, std("net/http", "encoding/xml"))},
	{"policy is pure: nothing of ours, no network, no wire", tree("internal/policy"),
		or(ours, std("net", "net/http", "encoding/xml"))},
	{"object knows no wire", tree("internal/object"),
		or(std("net/http", "encoding/xml"), tree("internal/s3api", "internal/sigv4", "internal/server"))},
	{"object and iam know no query wire", tree("internal/object", "internal/iam"),
		tree("internal/queryapi", "internal/iamapi", "internal/stsapi", "internal/operatorapi", "internal/kmsapi")},
	// The query wires reach meta only through iam, whose store keeps
	// identities there; they never reach S3's service or its bytes.
	{"the query wires stay apart from S3 and the server",
		tree("internal/queryapi", "internal/iamapi", "internal/stsapi", "internal/operatorapi", "internal/kmsapi"),
		tree("internal/s3api", "internal/object", "internal/server", "internal/blob")},
	{"sigv4 reaches credentials through its interface", tree("internal/sigv4"),
		tree("internal/iam", "internal/meta", "internal/blob", "internal/object")},
	{"stores sit below the service", tree("internal/meta", "internal/blob"),
		tree("internal/object", "internal/s3api", "internal/sigv4", "internal/iam", "internal/server")},
	// Certificates are files and crypto: no listener, no TLS policy (the
	// server's), no store.
	{"tlsreload reads only files and the clock", tree("internal/tlsreload"),
		func(dep string) bool { return ours(dep) && dep != module+"/internal/clock" }},
	{"certgen imports nothing of ours", tree("internal/certgen"), ours},
	// Domain packages name principals without reaching the wire.
	{"principal imports nothing of ours", tree("internal/principal"), ours},
	// The object service reaches the key service through this contract
	// alone, not through kms (which needs the identity store and sigv4).
	{"datakey names only principals", tree("internal/datakey"),
		func(dep string) bool { return ours(dep) && !under(dep, "internal/principal") }},
	{"only cmd/coffer and the test harness import server",
		func(pkg string) bool {
			return !under(pkg, "cmd/coffer") && !under(pkg, "internal/coffertest") && !under(pkg, "internal/server")
		},
		tree("internal/server")},
	{"nothing outside cmd imports cmd", func(pkg string) bool { return !under(pkg, "cmd") }, tree("cmd")},
	// The public client package is imported by other modules: it may
	// not reach into coffer's internals (which it could, being in the
	// same module) nor pull the server into its users' builds.
	{"the public s3crypto package imports nothing of ours", tree("s3crypto"), ours},
	{"only tests import the test harness", func(pkg string) bool { return !under(pkg, "internal/coffertest") },
		tree("internal/coffertest")},
}

func TestDependencyDirection(t *testing.T) {
	g := graph(t)
	if len(g) == 0 {
		t.Fatal("go list found no packages")
	}
	pkgs := make([]string, 0, len(g))
	for p := range g {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			for _, p := range pkgs {
				if !r.from(p) {
					continue
				}
				for _, d := range g[p] {
					if d != p && r.forbidden(d) {
						t.Errorf("%s depends on %s", strings.TrimPrefix(p, module+"/"), strings.TrimPrefix(d, module+"/"))
					}
				}
			}
		})
	}
}

// TestRulesCatchViolations checks the rule helpers on a made-up graph, so a
// rule that can never fire is noticed.
func TestRulesCatchViolations(t *testing.T) {
	tests := []struct {
		pkg, dep string
		want     bool
	}{
		{module + "/internal/object", "net/http", true},
		{module + "/internal/object", module + "/internal/meta", false},
		{module + "/internal/meta", module + "/internal/clock", true},
		{module + "/internal/meta", "github.com/cockroachdb/pebble/v2", false},
		{module + "/internal/sigv4", module + "/internal/iam", true},
		{module + "/internal/s3api", module + "/internal/server", true},
		{module + "/cmd/coffer", module + "/internal/server", false},
		{module + "/internal/coffertest", module + "/internal/server", false},
		{module + "/internal/meta/pebble", module + "/internal/object", true},
		{module + "/internal/policy", module + "/internal/clock", true},
		{module + "/internal/policy", "net/http", true},
		{module + "/internal/policy", "encoding/json", false},
		{module + "/internal/tlsreload", module + "/internal/server", true},
		{module + "/internal/tlsreload", module + "/internal/clock", false},
		{module + "/internal/certgen", module + "/internal/clock", true},
		{module + "/s3crypto", module + "/internal/kms", true},
		{module + "/s3crypto", "github.com/aws/aws-sdk-go-v2/service/kms", false},
	}
	for _, tt := range tests {
		got := false
		for _, r := range rules {
			if r.from(tt.pkg) && r.forbidden(tt.dep) {
				got = true
			}
		}
		if got != tt.want {
			t.Errorf("forbidden(%s → %s) = %v, want %v", tt.pkg, tt.dep, got, tt.want)
		}
	}
}
