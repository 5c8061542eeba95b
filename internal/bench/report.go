package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// opStats accumulates one worker's results for one operation kind.
type opStats struct {
	hist   histogram
	ops    int64
	bytes  int64
	errors map[string]int64
	// samples keeps the first error message of each code, so that a
	// "network" count can be told apart (a dial timeout, a reset).
	samples map[string]string
}

func (s *opStats) addError(code string, err error) {
	if s.errors == nil {
		s.errors = map[string]int64{}
		s.samples = map[string]string{}
	}
	s.errors[code]++
	if _, ok := s.samples[code]; !ok && err != nil {
		s.samples[code] = err.Error()
	}
}

func (s *opStats) merge(o *opStats) {
	s.hist.merge(&o.hist)
	s.ops += o.ops
	s.bytes += o.bytes
	if len(o.errors) > 0 && s.errors == nil {
		s.errors = map[string]int64{}
		s.samples = map[string]string{}
	}
	for code, n := range o.errors {
		s.errors[code] += n
	}
	for code, msg := range o.samples {
		if _, ok := s.samples[code]; !ok {
			s.samples[code] = msg
		}
	}
}

// Latency holds latency percentiles in milliseconds, within 0.4% of the exact
// sample (Max is exact).
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Stats is the outcome of a set of operations over the measured window.
// Only successful operations count towards Ops, Bytes, the rates and Latency;
// failures are counted in Errors by S3 error code, "verify" for content that
// does not match what was uploaded, or "network".
type Stats struct {
	// Ops is the number of successful operations (list: pages).
	Ops int64 `json:"ops"`
	// Bytes is the object payload moved by them: uploaded or downloaded.
	Bytes int64 `json:"bytes"`
	// OpsPerSec and MiBPerSec divide Ops and Bytes by the measured window.
	OpsPerSec float64 `json:"ops_per_sec"`
	MiBPerSec float64 `json:"mib_per_sec"`
	// Latency is measured per operation, from sending the request to having
	// read (and verified) the whole response.
	Latency Latency `json:"latency_ms"`
	// Errors counts failed operations by code; never nil.
	Errors map[string]int64 `json:"errors"`
	// ErrorSamples holds the first error message seen for each code.
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
}

// ErrorCount returns the total number of failed operations.
func (s *Stats) ErrorCount() int64 {
	var n int64
	for _, c := range s.Errors {
		n += c
	}
	return n
}

// OpReport is the outcome for one kind of operation.
type OpReport struct {
	Op string `json:"op"`
	Stats
}

// Report is the outcome of a run. Its JSON form is what --json prints.
type Report struct {
	// Workload, Endpoint, Bucket and Concurrency repeat the configuration.
	Workload string `json:"workload"`
	Endpoint string `json:"endpoint"`
	// MoreEndpoints are the endpoints the workers were spread over
	// besides Endpoint.
	MoreEndpoints []string `json:"more_endpoints,omitempty"`
	Bucket        string   `json:"bucket"`
	Concurrency   int      `json:"concurrency"`
	// Size is the object size in bytes; PartSize the multipart part size,
	// for the multipart workload only.
	Size     int64 `json:"size"`
	PartSize int64 `json:"part_size,omitempty"`
	// SSE and BucketKey repeat the server-side encryption asked for on
	// uploads, when any.
	SSE       string `json:"sse,omitempty"`
	BucketKey bool   `json:"bucket_key,omitempty"`
	// Mix is the mixed workload's weights, as --mix takes them.
	Mix string `json:"mix,omitempty"`
	// Duration is the measured window in seconds: from the first operation
	// starting to the last one finishing.
	Duration float64 `json:"duration"`
	// Stats covers every operation; Operations breaks it down by kind.
	Stats
	Operations []OpReport `json:"operations"`
	// ServerMemory is set when --server-pid was given.
	ServerMemory *ServerMemory `json:"server_memory,omitempty"`
}

// report builds the Report from merged per-kind statistics.
func (b *bench) report(stats *[numOps]opStats, elapsed time.Duration) *Report {
	cfg := b.cfg
	r := &Report{
		Workload:      cfg.Workload,
		Endpoint:      cfg.Endpoint,
		MoreEndpoints: cfg.MoreEndpoints,
		Bucket:        b.bucket,
		Size:          cfg.Size,
		Concurrency:   cfg.Concurrency,
		SSE:           cfg.SSE,
		BucketKey:     cfg.BucketKey,
		Duration:      elapsed.Seconds(),
	}
	if cfg.Workload == WorkloadMultipart {
		r.PartSize = cfg.PartSize
	}
	if cfg.Workload == WorkloadMixed {
		r.Mix = FormatMix(cfg.Mix)
	}
	var all opStats
	for k := range numOps {
		s := &stats[k]
		all.merge(s)
		if s.ops == 0 && len(s.errors) == 0 && !b.reports(k) {
			continue
		}
		r.Operations = append(r.Operations, OpReport{Op: k.String(), Stats: summarize(s, elapsed)})
	}
	r.Stats = summarize(&all, elapsed)
	return r
}

// reports says whether op k belongs in the report even when it never ran.
func (b *bench) reports(k opKind) bool {
	if b.cfg.Workload != WorkloadMixed {
		return k.String() == b.cfg.Workload
	}
	for _, m := range b.cfg.Mix {
		if m.Op == k.String() && m.Weight > 0 {
			return true
		}
	}
	return false
}

func summarize(s *opStats, elapsed time.Duration) Stats {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	out := Stats{
		Ops:   s.ops,
		Bytes: s.bytes,
		Latency: Latency{
			P50:  ms(s.hist.quantile(0.50)),
			P90:  ms(s.hist.quantile(0.90)),
			P99:  ms(s.hist.quantile(0.99)),
			Max:  ms(s.hist.quantile(1)),
			Mean: ms(s.hist.mean()),
		},
		Errors: map[string]int64{},
	}
	maps.Copy(out.Errors, s.errors)
	if len(s.samples) > 0 {
		out.ErrorSamples = maps.Clone(s.samples)
	}
	if secs := elapsed.Seconds(); secs > 0 {
		out.OpsPerSec = float64(s.ops) / secs
		out.MiBPerSec = float64(s.bytes) / secs / (1 << 20)
	}
	return out
}

// WriteJSON writes r as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes r as a human-readable table.
func (r *Report) WriteTable(w io.Writer) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s of %s x%d for %.2fs against %s (bucket %s)\n",
		r.Workload, FormatSize(r.Size), r.Concurrency, r.Duration, strings.Join(append([]string{r.Endpoint}, r.MoreEndpoints...), ", "), r.Bucket)
	if r.PartSize > 0 {
		fmt.Fprintf(&sb, "parts of %s\n", FormatSize(r.PartSize))
	}
	if r.Mix != "" {
		fmt.Fprintf(&sb, "mix %s\n", r.Mix)
	}
	if r.SSE != "" {
		fmt.Fprintf(&sb, "uploads with server-side encryption %s", r.SSE)
		if r.SSE == SSEKMS {
			fmt.Fprintf(&sb, ", bucket key %v", r.BucketKey)
		}
		sb.WriteString("\n")
	}
	sb.WriteString("\n")
	const header = "%-10s %10s %10s %9s %9s %9s %9s %9s %8s\n"
	fmt.Fprintf(&sb, header, "op", "ops", "ops/s", "MiB/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors")
	row := func(name string, s *Stats) {
		fmt.Fprintf(&sb, "%-10s %10d %10.1f %9.2f %9.2f %9.2f %9.2f %9.2f %8d\n", name, s.Ops, s.OpsPerSec,
			s.MiBPerSec, s.Latency.P50, s.Latency.P90, s.Latency.P99, s.Latency.Max, s.ErrorCount())
	}
	for i := range r.Operations {
		row(r.Operations[i].Op, &r.Operations[i].Stats)
	}
	if len(r.Operations) > 1 {
		row("total", &r.Stats)
	}
	if len(r.Errors) > 0 {
		sb.WriteString("\nerrors:")
		for _, code := range slices.Sorted(maps.Keys(r.Errors)) {
			fmt.Fprintf(&sb, " %s=%d", code, r.Errors[code])
		}
		sb.WriteString("\n")
		for _, code := range slices.Sorted(maps.Keys(r.ErrorSamples)) {
			fmt.Fprintf(&sb, "first %s: %s\n", code, r.ErrorSamples[code])
		}
	}
	if m := r.ServerMemory; m != nil {
		fmt.Fprintf(&sb, "\nserver pid %d: RSS %.1f MiB at the start, peak %.1f MiB during the run, VmHWM %.1f MiB (%d samples)\n",
			m.PID, m.StartRSSMiB, m.PeakRSSMiB, m.HWMMiB, m.Samples)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
