package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/metrics"
)

// runAsCoffer, set to 1 in the environment of the test binary, makes it
// run the coffer command (TestMain).
const runAsCoffer = "COFFER_TEST_RUN_AS_COFFER"

// Root credentials of the process TestLifecycle_killMidPass starts.
const (
	killRootKey    = "LCKILLROOTKEY0000001"
	killRootSecret = "lifecycle-kill-test-root-secret-00000001"
)

// Sizes of the kill test's buckets.
const (
	killPlainKeys = 2000 // unversioned, exp/: each expires
	killVerKeys   = 600  // versioned, exp/: three versions each
	killLocked    = 20   // versioned, exp/locked-: two locked versions each
	killKeepKeys  = 50   // keep/ in both buckets: outside the rules
)

// TestLifecycle_killMidPass runs coffer as a process with a one-second
// lifecycle day and a bounded action rate (the test binary, run as
// coffer), kills it with SIGKILL twice
// while a pass is acting (once in each bucket, seen through /metrics), and
// checks after the last restart that the engine finished the job exactly:
//   - every unversioned object under exp/ is gone, nothing under keep/ is
//     touched;
//   - every versioned key under exp/ ends as one delete marker in front of
//     its newest noncurrent version (NewerNoncurrentVersions=1): a
//     repeated expiration would have added a second marker, and the
//     version behind it would then have expired too;
//   - versions under Object Lock stay, and their expirations are counted
//     as refused;
//   - the pass completes and later passes find nothing to do.
func TestLifecycle_killMidPass(t *testing.T) {
	if testing.Short() {
		t.Skip("runs coffer processes for about 20 seconds")
	}
	begin := time.Now()
	dir := t.TempDir()
	// The test binary itself runs as coffer (TestMain).
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	srv := startKillServer(t, bin, data)
	c := srv.client()
	ctx := t.Context()
	const plain, ver = "lc-plain", "lc-ver"
	mustDo(t, "CreateBucket", func() error {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(plain)})
		return err
	})
	mustDo(t, "CreateBucket with Object Lock", func() error {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(ver), ObjectLockEnabledForBucket: aws.Bool(true)})
		return err
	})
	locked := time.Now().Add(time.Hour)
	put := func(bucket, key, body string, lock bool) error {
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
		if lock {
			// S3 requires an integrity check on a PUT with retention.
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeGovernance, &locked
			in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
		}
		_, err := c.PutObject(ctx, in)
		return err
	}
	g := newPool(8)
	for i := range killPlainKeys {
		g.Go(func() error { return put(plain, fmt.Sprintf("exp/%05d", i), "p", false) })
	}
	for i := range killVerKeys {
		g.Go(func() error {
			for _, body := range []string{"1", "22", "333"} {
				if err := put(ver, fmt.Sprintf("exp/%05d", i), body, false); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for i := range killLocked {
		g.Go(func() error {
			for _, body := range []string{"1", "22"} {
				if err := put(ver, fmt.Sprintf("exp/locked-%02d", i), body, true); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for i := range killKeepKeys {
		g.Go(func() error { return put(plain, fmt.Sprintf("keep/%02d", i), "k", false) })
		g.Go(func() error { return put(ver, fmt.Sprintf("keep/%02d", i), "k", false) })
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("loading objects: %v", err)
	}
	t.Logf("loaded at %v", time.Since(begin).Round(time.Millisecond))
	keepBefore := map[string]string{plain: listVersions(t, c, plain, "keep/"), ver: listVersions(t, c, ver, "keep/")}

	// The rules go on last, so that the first pass finds everything due.
	expire := types.LifecycleRule{ID: aws.String("exp"), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("exp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}
	mustDo(t, "PutBucketLifecycleConfiguration", func() error {
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(plain),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{expire}}})
		return err
	})
	verRule := expire
	verRule.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1), NewerNoncurrentVersions: aws.Int32(1)}
	mustDo(t, "PutBucketLifecycleConfiguration (versioned)", func() error {
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(ver),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{verRule}}})
		return err
	})

	// Kill in the unversioned bucket's walk, then in the versioned one's.
	got := srv.waitMetric(t, metrics.NameLifecycleObjectsExpired, killPlainKeys/4)
	if got >= killPlainKeys {
		t.Fatalf("the first pass had expired %v objects when seen, want it mid-pass", got)
	}
	srv.kill(t)
	t.Logf("killed with %v of %d objects expired at %v", got, killPlainKeys, time.Since(begin).Round(time.Millisecond))
	srv = startKillServer(t, bin, data)
	got = srv.waitMetric(t, metrics.NameLifecycleMarkersAdded, killVerKeys/4)
	if got >= killVerKeys {
		t.Fatalf("the pass had added %v delete markers when seen, want it mid-pass", got)
	}
	srv.kill(t)
	t.Logf("killed with %v of %d delete markers added at %v", got, killVerKeys, time.Since(begin).Round(time.Millisecond))
	srv = startKillServer(t, bin, data)
	c = srv.client()

	want := map[string]string{}
	for i := range killVerKeys {
		want[fmt.Sprintf("exp/%05d", i)] = "dm,333"
	}
	for i := range killLocked {
		want[fmt.Sprintf("exp/locked-%02d", i)] = "dm,22,1"
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		plainLeft, verState := listVersions(t, c, plain, "exp/"), versionsByKey(t, c, ver, "exp/")
		if plainLeft == "" && mapsEqual(verState, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the engine did not finish: %d bytes of exp/ left in %s; %s state differs from the expected:\n%s\n%s",
				len(plainLeft), plain, ver, firstDiff(verState, want), srv.logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("done at %v", time.Since(begin).Round(time.Millisecond))
	for b, before := range keepBefore {
		if after := listVersions(t, c, b, "keep/"); after != before {
			t.Errorf("%s keep/ changed:\nbefore %s\nafter  %s", b, before, after)
		}
	}
	// The cursor drains: a pass completes after the work is done, with
	// no backlog, and the next one does nothing more.
	passes := srv.metric(t, metrics.NameLifecyclePasses)
	srv.waitMetric(t, metrics.NameLifecyclePasses, passes+2)
	expired, added := srv.metric(t, metrics.NameLifecycleObjectsExpired), srv.metric(t, metrics.NameLifecycleMarkersAdded)
	srv.waitMetric(t, metrics.NameLifecyclePasses, passes+4)
	if e, a := srv.metric(t, metrics.NameLifecycleObjectsExpired), srv.metric(t, metrics.NameLifecycleMarkersAdded); e != expired || a != added {
		t.Errorf("later passes still act: expired %v→%v, markers %v→%v", expired, e, added, a)
	}
	if b := srv.metric(t, metrics.NameLifecycleBacklog); b != 0 {
		t.Errorf("backlog = %v after complete passes, want 0", b)
	}
	if n := srv.metric(t, metrics.NameLifecycleBlocked); n < killLocked {
		t.Errorf("blocked = %v, want at least %d (one per locked key)", n, killLocked)
	}
	if n := srv.metric(t, metrics.NameLifecycleErrors); n != 0 {
		t.Errorf("lifecycle errors = %v, want 0\n%s", n, srv.logs())
	}
	srv.kill(t)
}

func mustDo(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// killServer is one coffer process of the kill test.
type killServer struct {
	cmd      *exec.Cmd
	endpoint string
	exited   chan struct{}
	mu       sync.Mutex
	log      bytes.Buffer
}

func startKillServer(t *testing.T, bin, data string) *killServer {
	t.Helper()
	cmd := exec.Command(bin, "server", "--address", "127.0.0.1:0", "--data", data,
		"--lifecycle-day", "1s", "--lifecycle-rate", "1000", "--scrub-rate", "0")
	cmd.Env = append(os.Environ(), runAsCoffer+"=1", "COFFER_ROOT_ACCESS_KEY="+killRootKey, "COFFER_ROOT_SECRET_KEY="+killRootSecret)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &killServer{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-s.exited
	})
	select {
	case a := <-addr:
		s.endpoint = "http://" + a
	case <-s.exited:
		t.Fatalf("coffer exited before listening:\n%s", s.logs())
	case <-time.After(20 * time.Second):
		t.Fatalf("coffer did not log its address:\n%s", s.logs())
	}
	return s
}

func (s *killServer) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.log.String()
	if len(l) > 4000 {
		l = "…" + l[len(l)-4000:]
	}
	return l
}

func (s *killServer) client() *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String(s.endpoint), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(killRootKey, killRootSecret, "")})
}

// kill sends SIGKILL: no shutdown code runs.
func (s *killServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.exited
}

// metric reads one unlabelled metric from /metrics (0 when absent).
func (s *killServer) metric(t *testing.T, name string) float64 {
	t.Helper()
	resp, err := http.Get(s.endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	return 0
}

// waitMetric polls name until it reaches at least atLeast, and returns it.
func (s *killServer) waitMetric(t *testing.T, name string, atLeast float64) float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for {
		if v := s.metric(t, name); v >= atLeast {
			return v
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s did not reach %v:\n%s", name, atLeast, s.logs())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// versionsByKey lists the versions under prefix as key → its delete
// markers ("dm" each), then its versions by the body's length, longest
// (in this test: newest) first, each as the length's digit repeated
// ("333" for a three-byte body).
func versionsByKey(t *testing.T, c *s3.Client, bucket, prefix string) map[string]string {
	t.Helper()
	labels := map[string][]string{}
	sizes := map[string][]int{}
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.DeleteMarkers {
			labels[aws.ToString(m.Key)] = append(labels[aws.ToString(m.Key)], "dm")
		}
		for _, v := range page.Versions {
			sizes[aws.ToString(v.Key)] = append(sizes[aws.ToString(v.Key)], int(aws.ToInt64(v.Size)))
		}
	}
	for k, ss := range sizes {
		slices.Sort(ss)
		slices.Reverse(ss)
		for _, n := range ss {
			labels[k] = append(labels[k], strings.Repeat(strconv.Itoa(n), n))
		}
	}
	out := make(map[string]string, len(labels))
	for k, l := range labels {
		out[k] = strings.Join(l, ",")
	}
	return out
}

// listVersions renders every version under prefix, with ids and ETags.
func listVersions(t *testing.T, c *s3.Client, bucket, prefix string) string {
	t.Helper()
	var b strings.Builder
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			fmt.Fprintf(&b, "%s@%s=%s ", aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToString(v.ETag))
		}
		for _, m := range page.DeleteMarkers {
			fmt.Fprintf(&b, "%s@%s=dm ", aws.ToString(m.Key), aws.ToString(m.VersionId))
		}
	}
	return b.String()
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// firstDiff names a few keys whose state differs.
func firstDiff(got, want map[string]string) string {
	var b strings.Builder
	n := 0
	for k, w := range want {
		if g := got[k]; g != w && n < 5 {
			fmt.Fprintf(&b, "%s: %q, want %q\n", k, g, w)
			n++
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && n < 10 {
			fmt.Fprintf(&b, "%s: %q, not expected\n", k, g)
			n++
		}
	}
	return b.String()
}

// pool runs functions on a bounded number of goroutines and keeps the
// first error.
type pool struct {
	sem  chan struct{}
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func newPool(n int) *pool { return &pool{sem: make(chan struct{}, n)} }

func (p *pool) Go(f func() error) {
	p.sem <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.sem; p.wg.Done() }()
		if err := f(); err != nil {
			p.once.Do(func() { p.err = err })
		}
	}()
}

func (p *pool) Wait() error {
	p.wg.Wait()
	return p.err
}
