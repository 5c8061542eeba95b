package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type options struct {
	binary  string
	rounds  int
	workers int
	keys    int
	seed    uint64
	killMin time.Duration
	killMax time.Duration
	timeout time.Duration
	// stopAfter, if set, ends the run after the first verification that
	// finds it elapsed, so a soak can be fitted to a time box.
	stopAfter time.Duration
	workDir   string
	keep      bool
}

func main() {
	var o options
	flag.StringVar(&o.binary, "binary", "bin/coffer", "coffer binary to test")
	flag.IntVar(&o.rounds, "rounds", 3, "number of kill -9 / restart rounds")
	flag.IntVar(&o.workers, "workers", 8, "concurrent clients")
	flag.IntVar(&o.keys, "keys", 16, "keys per worker and prefix")
	flag.Uint64Var(&o.seed, "seed", 0, "random seed (0 picks one and prints it)")
	flag.DurationVar(&o.killMin, "kill-min", 1500*time.Millisecond, "earliest kill after the load starts")
	flag.DurationVar(&o.killMax, "kill-max", 6*time.Second, "latest kill after the load starts")
	flag.DurationVar(&o.timeout, "timeout", 0, "bound on the whole run (default: one minute per round, plus one)")
	flag.DurationVar(&o.stopAfter, "stop-after", 0, "start no new round once this much time has passed (0: run every round)")
	flag.StringVar(&o.workDir, "workdir", "", "directory for the data dir and server log (default: a new temp dir)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory after a successful run")
	flag.Parse()

	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "crash: FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("crash: PASS")
}

func run(o options) error {
	if o.rounds < 1 || o.workers < 1 || o.keys < 1 || o.killMax < o.killMin {
		return errors.New("need rounds, workers, keys >= 1 and kill-max >= kill-min")
	}
	binary, err := filepath.Abs(o.binary)
	if err != nil {
		return err
	}
	if _, err := os.Stat(binary); err != nil {
		return fmt.Errorf("binary: %w", err)
	}
	if o.seed == 0 {
		o.seed = rand.Uint64()
	}
	if o.timeout == 0 {
		o.timeout = time.Duration(o.rounds+1) * time.Minute
	}
	dir := o.workDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "coffer-crash-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dataDir := filepath.Join(dir, "data")
	logPath := filepath.Join(dir, "server.log")
	fmt.Printf("crash: seed %d, %d rounds, %d workers, work dir %s\n", o.seed, o.rounds, o.workers, dir)

	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	started := time.Now()
	violations, t, err := rounds(ctx, o, binary, dataDir, logPath)
	fmt.Printf("crash: %d kill -9 cycles in %s: %d writes acknowledged (%s), "+
		"%d key and version checks after restarts, %d violations\n",
		t.kills, time.Since(started).Round(time.Second), t.acked.total(), t.acked.kinds(),
		t.checked, len(violations))
	for _, v := range violations {
		fmt.Fprintf(os.Stderr, "crash: VIOLATION: %s\n", v)
	}
	if err == nil && len(violations) > 0 {
		err = fmt.Errorf("%d violations (seed %d)", len(violations), o.seed)
	}
	if err != nil {
		dumpLog(logPath, 60)
		fmt.Fprintf(os.Stderr, "crash: work dir kept at %s\n", dir)
		return err
	}
	if !o.keep {
		os.RemoveAll(dir)
	}
	return nil
}

// totals sums what a whole run did, for its last line.
type totals struct {
	kills, checked int
	acked          tally
}

func rounds(ctx context.Context, o options, binary, dataDir, logPath string) ([]string, totals, error) {
	rng := rand.New(rand.NewPCG(o.seed, 0x636f66666572))
	m, vm := newModel(), newVModel()
	const bucket, vbucket = "crash", "crash-versions"
	var violations []string
	var t totals
	began := time.Now()

	for round := 0; round <= o.rounds; round++ {
		srv, err := startServer(ctx, binary, dataDir, logPath, 30*time.Second)
		if err != nil {
			return violations, t, fmt.Errorf("round %d: %w", round, err)
		}
		client, raw := newClient(srv.endpoint), newRawClient(srv.endpoint)
		if round == 0 {
			if err := createBuckets(ctx, client, bucket, vbucket); err != nil {
				srv.kill()
				return violations, t, err
			}
		} else {
			label := fmt.Sprintf("after kill %d", round)
			v, n, err := verify(ctx, client, bucket, m, label)
			violations = append(violations, v...)
			if err == nil {
				var vv []string
				var vn int
				vv, vn, err = verifyVersions(ctx, client, raw, vbucket, vm, label)
				violations = append(violations, vv...)
				fmt.Printf("crash: after kill %d: restarted, %d keys and %d versions checked, %d violations\n",
					round, n, vn, len(v)+len(vv))
				n += vn
			}
			if err == nil {
				err = retire(ctx, client, raw, bucket, vbucket, m, vm)
			}
			if err != nil {
				srv.kill()
				return violations, t, err
			}
			t.checked += n
		}
		last := round == o.rounds
		if !last && o.stopAfter > 0 && time.Since(began) >= o.stopAfter {
			fmt.Printf("crash: -stop-after %s reached: stopping after %d of %d rounds\n", o.stopAfter, round, o.rounds)
			last = true
		}
		if last {
			if err := srv.stop(20 * time.Second); err != nil {
				violations = append(violations, "final graceful stop: "+err.Error())
			}
			break
		}

		l := &load{
			client: client, bucket: bucket, model: m, vbucket: vbucket, vmodel: vm, rng: rng,
			workers: o.workers, keys: o.keys, round: round + 1, opTimout: 60 * time.Second,
		}
		loadCtx, stopLoad := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { l.run(loadCtx); close(done) }()

		after := o.killMin + time.Duration(rng.Int64N(int64(o.killMax-o.killMin)+1))
		select {
		case <-time.After(after):
		case <-ctx.Done():
		}
		if !srv.alive() {
			violations = append(violations, fmt.Sprintf("round %d: server exited on its own under load: %v", round+1, srv.waitErr))
		}
		l.killedAt.Store(time.Now().UnixNano())
		srv.kill()
		stopLoad()
		<-done
		violations = append(violations, l.violations...)
		t.kills++
		t.acked.add(l.stats.tally())
		fmt.Printf("crash: round %d: kill -9 after %s: %s\n", round+1, after.Round(time.Millisecond), &l.stats)
		if ctx.Err() != nil {
			return violations, t, fmt.Errorf("run exceeded %s", o.timeout)
		}
	}
	if t.acked.total() == 0 {
		return violations, t, errors.New("no operation was acknowledged in any round; the test checked nothing")
	}
	return violations, t, nil
}

// createBuckets creates the plain bucket and the versioned one.
func createBuckets(ctx context.Context, client *s3.Client, bucket, vbucket string) error {
	for _, b := range []string{bucket, vbucket} {
		if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	_, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(vbucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	})
	if err != nil {
		return fmt.Errorf("enable versioning on %s: %w", vbucket, err)
	}
	return nil
}

func newClient(endpoint string) *s3.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(rootAccessKey, rootSecretKey, ""),
		HTTPClient:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		// One attempt per operation: a retry would blur which attempt the
		// server acknowledged.
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

// dumpLog prints the last n lines of the server log to stderr.
func dumpLog(path string, n int) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	fmt.Fprintf(os.Stderr, "crash: last %d lines of %s:\n", len(lines), path)
	for _, l := range lines {
		fmt.Fprintln(os.Stderr, "  | "+l)
	}
}
