package lifecycle

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// TestScanCost measures one lifecycle pass over a large bucket, set by
// COFFER_LIFECYCLE_SCAN_OBJECTS (for example 1000000; skipped when
// unset): a rule on every key with nothing due (the whole bucket is
// read), and a rule on one prefix holding 1% of the keys (only that
// prefix is read). It reports the times; it checks only that the passes
// examined what they should.
func TestScanCost(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("COFFER_LIFECYCLE_SCAN_OBJECTS"))
	if n <= 0 {
		t.Skip("set COFFER_LIFECYCLE_SCAN_OBJECTS to measure a pass over that many objects")
	}
	f := newFixture(t)
	f.bucket("scan", "", rules.Config{Rules: []rules.Rule{expireDays("all", "", 3650)}})
	fill := time.Now()
	const workers = 32
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				// 100 prefixes "p00/" … "p99/" of n/100 keys each.
				key := fmt.Sprintf("p%02d/%09d", i%100, i)
				if _, err := f.objs.PutObject(f.ctx, object.PutInput{Bucket: "scan", Key: key, Body: strings.NewReader("x"), Size: 1}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("filled %d objects in %v", n, time.Since(fill).Round(time.Millisecond))
	e := f.engine(func(o *Options) { o.Batch = DefaultBatch })
	start := time.Now()
	st := f.pass(e)
	whole := time.Since(start)
	if st.Scanned != n || st.Expired != 0 {
		t.Fatalf("whole-bucket pass: %+v", st)
	}
	t.Logf("pass over the whole bucket: %d versions in %v (%.0f versions/s)", st.Scanned, whole.Round(time.Millisecond), float64(n)/whole.Seconds())
	if err := f.objs.PutBucketLifecycle(f.ctx, "scan", rules.Config{Rules: []rules.Rule{expireDays("one", "p42/", 3650)}}); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	st = f.pass(e)
	one := time.Since(start)
	if want := n / 100; st.Scanned < want || st.Scanned > want+1 {
		t.Fatalf("one-prefix pass examined %d versions, want %d", st.Scanned, want)
	}
	t.Logf("pass over one prefix (1%%): %d versions in %v", st.Scanned, one.Round(time.Millisecond))
}
