package depcheck

import (
	"errors"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// moduleDir returns the module's root directory.
func moduleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestPackageDoc checks that every package under internal/, cmd/ and the
// public s3crypto/ has a package comment that names it, as STYLE.md asks.
func TestPackageDoc(t *testing.T) {
	root := moduleDir(t)
	var checked int
	for _, top := range []string{"internal", "cmd", "s3crypto"} {
		if _, err := os.Stat(filepath.Join(root, top)); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		err := filepath.WalkDir(filepath.Join(root, top), func(dir string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			pkg, err := build.ImportDir(dir, 0)
			var noGo *build.NoGoError
			if errors.As(err, &noGo) {
				return nil
			}
			if err != nil {
				return err
			}
			checked++
			rel, _ := filepath.Rel(root, dir)
			doc := packageDoc(t, dir, pkg.GoFiles)
			switch {
			case doc == "":
				t.Errorf("%s: package %s has no package comment", rel, pkg.Name)
			case pkg.Name == "main" && !strings.HasPrefix(doc, "Command "):
				t.Errorf("%s: package comment should start with %q, got %.40q", rel, "Command ", doc)
			case pkg.Name != "main" && !strings.HasPrefix(doc, "Package "+pkg.Name+" "):
				t.Errorf("%s: package comment should start with %q, got %.40q", rel, "Package "+pkg.Name+" ", doc)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 {
		t.Fatal("no packages found")
	}
}

// packageDoc returns the first package comment among files.
func packageDoc(t *testing.T, dir string, files []string) string {
	t.Helper()
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		if f.Doc != nil {
			return f.Doc.Text()
		}
	}
	return ""
}
