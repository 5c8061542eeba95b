package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"golang.org/x/sys/unix"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/diskspace"
)

const mib = 1 << 20

// mountSmallDisk mounts a 64 MiB tmpfs for the test and unmounts it after:
// a file system that really fills up. It skips where mounting is not
// allowed (not root, or no CAP_SYS_ADMIN in a container).
func mountSmallDisk(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("mounts a tmpfs")
	}
	if os.Geteuid() != 0 {
		t.Skip("full-disk tests mount a tmpfs and need root: run as root (CI does) to include them")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=64m"); err != nil {
		t.Skipf("full-disk tests need to mount a tmpfs, which is not allowed here (%v): run as root with CAP_SYS_ADMIN to include them", err)
	}
	// Registered after TempDir's cleanup, so it runs first.
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillTo writes a filler file in dir until its file system has about
// free bytes left, and returns the file's path: the operator's "other
// files" that filled the disk.
func fillTo(t *testing.T, dir string, free uint64) string {
	t.Helper()
	u, err := diskspace.Statfs(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "filler")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if u.Free > free {
		if _, err := f.Write(make([]byte, u.Free-free)); err != nil && !errors.Is(err, unix.ENOSPC) {
			t.Fatal(err)
		}
	}
	return path
}

type fullDiskFixture struct {
	t    *testing.T
	cfg  config.Config
	addr string
	stop func() error
	logs *syncBuffer
	// acked are the objects whose PUT succeeded, by key.
	acked map[string][]byte
}

func (f *fullDiskFixture) start() {
	f.t.Helper()
	f.addr, f.stop = startServeLog(f.t, f.cfg, f.logs)
}

// shutdown stops the server as SIGTERM does, and fails if that takes
// unreasonably long: a full disk must not make coffer ignore a stop.
func (f *fullDiskFixture) shutdown() {
	f.t.Helper()
	done := make(chan error, 1)
	go func() { done <- f.stop() }()
	select {
	case err := <-done:
		if err != nil {
			f.t.Fatalf("serve after the stop signal: %v", err)
		}
	case <-time.After(30 * time.Second):
		f.t.Fatal("coffer did not stop within 30s of the stop signal")
	}
}

func (f *fullDiskFixture) client() *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String("http://" + f.addr), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(f.cfg.RootAccessKey, f.cfg.RootSecretKey, ""), RetryMaxAttempts: 1})
}

// put stores key; it returns the S3 error code, "" on success.
func (f *fullDiskFixture) put(key string, body []byte) string {
	f.t.Helper()
	_, err := f.client().PutObject(f.t.Context(), &s3.PutObjectInput{Bucket: aws.String("full"), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err == nil {
		f.acked[key] = body
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		f.t.Fatalf("PutObject %s: %v", key, err)
	}
	return ae.ErrorCode()
}

// fillUntilRefused writes objects of size bytes until one is refused, and
// checks it was refused with 503 SlowDown before the disk was full.
func (f *fullDiskFixture) fillUntilRefused(prefix string, size int) {
	f.t.Helper()
	for i := range 500 {
		stamp := fmt.Sprintf("%s-%04d|", prefix, i)
		body := bytes.Repeat([]byte(stamp), size/len(stamp)+1)[:size]
		switch code := f.put(fmt.Sprintf("%s/%04d", prefix, i), body); code {
		case "":
			continue
		case "SlowDown":
			return
		default:
			f.t.Fatalf("PutObject %s/%04d refused with %s, want SlowDown", prefix, i, code)
		}
	}
	f.t.Fatal("500 writes on a nearly full disk were all accepted")
}

// checkAll reads every acknowledged object back and compares its bytes.
func (f *fullDiskFixture) checkAll(when string) {
	f.t.Helper()
	for key, want := range f.acked {
		out, err := f.client().GetObject(f.t.Context(), &s3.GetObjectInput{Bucket: aws.String("full"), Key: aws.String(key)})
		if err != nil {
			f.t.Fatalf("%s: GetObject %s: %v", when, key, err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, want) {
			f.t.Fatalf("%s: GetObject %s returned %d bytes (err %v), want the %d acknowledged", when, key, len(got), err, len(want))
		}
	}
}

func (f *fullDiskFixture) deleteSome(n int) {
	f.t.Helper()
	for key := range f.acked {
		if n == 0 {
			return
		}
		if _, err := f.client().DeleteObject(f.t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("full"), Key: aws.String(key)}); err != nil {
			f.t.Fatalf("DeleteObject %s while writes are refused: %v", key, err)
		}
		delete(f.acked, key)
		n--
	}
}

func (f *fullDiskFixture) status(path string) int {
	f.t.Helper()
	resp, err := http.Get("http://" + f.addr + path)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func newFullDiskFixture(t *testing.T, dataDir, metaDir string) *fullDiskFixture {
	cfg := keyServerConfig(t, dataDir)
	cfg.MetaDir = metaDir
	cfg.DiskReserve = 8 * mib
	cfg.ScrubRate = 0
	f := &fullDiskFixture{t: t, cfg: cfg, logs: &syncBuffer{}, acked: map[string][]byte{}}
	f.start()
	if _, err := f.client().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestServe_fullBlobDisk: with the blob directory on a small disk, writes
// are refused with 503 SlowDown before the disk is full; every
// acknowledged object reads back intact; reads, listings and deletes go
// on; writes resume by themselves once deletes free space; a restart on
// the full disk comes up serving reads, and stops when told.
func TestServe_fullBlobDisk(t *testing.T) {
	disk := mountSmallDisk(t)
	f := newFullDiskFixture(t, disk, filepath.Join(t.TempDir(), "meta"))
	fillTo(t, disk, 20*mib) // room for about 12 MiB of objects above the reserve
	scrape(t, f.addr)       // a scrape reads free space afresh: the filler came behind coffer's back
	f.fillUntilRefused("a", 1*mib)
	if len(f.acked) == 0 {
		t.Fatal("no write was accepted before the reserve")
	}
	u, _ := diskspace.Statfs(disk)
	if u.Free < 6*mib {
		t.Errorf("only %d bytes free when writes were refused, want about the 8 MiB reserve", u.Free)
	}
	f.checkAll("writes refused")
	if _, err := f.client().ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("full")}); err != nil {
		t.Fatalf("ListObjectsV2 while writes are refused: %v", err)
	}
	if code := f.status("/health/ready"); code != http.StatusOK {
		t.Errorf("/health/ready = %d while only writes are refused, want 200", code)
	}
	m := scrape(t, f.addr)
	// The last write was refused because it would have crossed the
	// reserve; smaller ones may still fit, so the gauge need not be 1.
	for _, want := range []string{`coffer_disk_writes_refused{dir="meta"} 0`, "coffer_disk_writes_refused_total 1",
		`coffer_disk_reserve_bytes{dir="blobs"} 8.388608e+06`, `coffer_disk_free_bytes{dir="blobs"}`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	f.deleteSome(4)
	if code := f.put("b/after-delete", bytes.Repeat([]byte("b"), mib)); code != "" {
		t.Fatalf("PutObject after deletes freed 4 MiB: %s", code)
	}
	f.fillUntilRefused("c", 1*mib)
	f.checkAll("refused again")

	// Restart on the full disk: it comes up, serves reads, refuses writes.
	f.shutdown()
	f.start()
	if code := f.status("/health/ready"); code != http.StatusOK {
		t.Errorf("/health/ready after a restart on a full blob disk = %d, want 200", code)
	}
	f.checkAll("after restart")
	if code := f.put("d/after-restart", bytes.Repeat([]byte("d"), mib)); code != "SlowDown" {
		t.Errorf("PutObject after a restart on a full disk = %q, want SlowDown", code)
	}
	f.shutdown()
}

// TestServe_fullMetaDisk: with the metadata directory on its own small
// disk, small (inline) objects fill it until writes are refused; reads and
// deletes go on; writes resume once the operator frees space; a restart
// with the disk below the reserve comes up, and one with the disk
// completely full fails at once with one clear message.
func TestServe_fullMetaDisk(t *testing.T) {
	disk := mountSmallDisk(t)
	f := newFullDiskFixture(t, t.TempDir(), filepath.Join(disk, "meta"))
	filler := fillTo(t, disk, metaMinReserve+3*mib)
	scrape(t, f.addr)
	f.fillUntilRefused("a", 16<<10)
	if len(f.acked) == 0 {
		t.Fatal("no write was accepted before the reserve")
	}
	f.checkAll("writes refused")
	if code := f.status("/health/ready"); code != http.StatusOK {
		t.Errorf("/health/ready = %d while only writes are refused, want 200", code)
	}
	f.deleteSome(10)
	if !strings.Contains(scrape(t, f.addr), `coffer_disk_writes_refused{dir="meta"} 1`) {
		t.Error(`/metrics lacks coffer_disk_writes_refused{dir="meta"} 1`)
	}
	if n := strings.Count(f.logs.String(), "refusing new writes"); n != 1 {
		t.Errorf("logged the refusal %d times, want once:\n%s", n, f.logs.String())
	}

	// A restart below the reserve comes up and serves reads.
	f.shutdown()
	f.start()
	f.checkAll("after restart")

	// Free space: writes resume without a restart.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if code := f.put("b/after-free", []byte("back")); code != "" {
		t.Fatalf("PutObject after space was freed: %s", code)
	}
	f.shutdown()

	// A disk with no space at all: the start fails at once, saying why.
	fillTo(t, disk, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err := serve(ctx, f.cfg, slog.New(slog.DiscardHandler), io.Discard, nil)
	if !errors.Is(err, errMetaDiskFull) {
		t.Fatalf("serve on a full metadata disk = %v, want errMetaDiskFull", err)
	}
	if ctx.Err() != nil {
		t.Fatal("serve on a full metadata disk did not fail fast")
	}
}

// TestServe_blobDiskFullPastTheReserve: with a reserve of one byte the
// blob disk really runs out (ENOSPC in the middle of a body); that write
// too answers 503 SlowDown, leaves no partial file behind, and every
// acknowledged object reads back intact.
func TestServe_blobDiskFullPastTheReserve(t *testing.T) {
	disk := mountSmallDisk(t)
	cfg := keyServerConfig(t, disk)
	cfg.MetaDir = filepath.Join(t.TempDir(), "meta")
	cfg.DiskReserve = 1
	cfg.ScrubRate = 0
	f := &fullDiskFixture{t: t, cfg: cfg, logs: &syncBuffer{}, acked: map[string][]byte{}}
	f.start()
	if _, err := f.client().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if code := f.put(fmt.Sprintf("a/%d", i), bytes.Repeat([]byte{byte('a' + i)}, mib)); code != "" {
			t.Fatalf("PutObject a/%d: %s", i, code)
		}
	}
	// Fill the disk right after a reading, so that the guard's cached
	// number still shows room and the write meets ENOSPC itself (if the
	// cache expired meanwhile, the guard refuses it: the same answer).
	scrape(t, f.addr)
	fillTo(t, disk, mib/2)
	if code := f.put("a/too-much", bytes.Repeat([]byte("z"), mib)); code != "SlowDown" {
		t.Fatalf("PutObject on a full disk = %q, want SlowDown", code)
	}
	t.Log(grepLine(scrape(t, f.addr), "coffer_disk_writes_refused_total "))
	f.checkAll("disk full")
	tmp, err := os.ReadDir(filepath.Join(disk, "blobs", "tmp"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if len(tmp) != 0 {
		t.Errorf("%d partial files left in the blob store's tmp directory after ENOSPC", len(tmp))
	}
	f.deleteSome(2)
	if code := f.put("b/after-delete", bytes.Repeat([]byte("b"), mib)); code != "" {
		t.Fatalf("PutObject after deletes freed space: %s", code)
	}
	f.checkAll("after delete")
	f.shutdown()
}

func grepLine(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
