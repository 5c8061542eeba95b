package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestDebug_servesProfilesOnItsOwnListener(t *testing.T) {
	s3 := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	ts := start(t, s3, func(o *Options) { o.Config.DebugAddress = "127.0.0.1:0" })
	addr := ts.DebugAddr()
	if addr == nil {
		t.Fatal("DebugAddr is nil with DebugAddress set")
	}
	debugURL := "http://" + addr.String()

	code, body, _ := get(t, debugURL+"/debug/pprof/", nil)
	if code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Fatalf("debug index: %d %q", code, body)
	}
	// The S3 port never serves profiles: the path goes to the S3 handler.
	if code, _, _ := get(t, ts.url+"/debug/pprof/", nil); code != http.StatusTeapot {
		t.Fatalf("S3 port answered /debug/pprof/ with %d, want the S3 handler's 418", code)
	}

	if err := ts.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(debugURL + "/debug/pprof/"); err == nil {
		resp.Body.Close()
		t.Fatalf("debug listener still answers after Shutdown: %d", resp.StatusCode)
	}
}

func TestDebug_offByDefault(t *testing.T) {
	ts := start(t, http.NotFoundHandler(), nil)
	if a := ts.DebugAddr(); a != nil {
		t.Fatalf("DebugAddr = %v without DebugAddress", a)
	}
}
