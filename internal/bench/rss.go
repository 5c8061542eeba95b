package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// rssInterval is how often the server's memory is sampled. /proc reads are
// cheap; a short interval catches short peaks without costing the server.
const rssInterval = 100 * time.Millisecond

// ServerMemory is the memory use of the process named by --server-pid.
type ServerMemory struct {
	// PID is the sampled process.
	PID int `json:"pid"`
	// StartRSSMiB is VmRSS when the measured window began: what the
	// process held before the workload (and, the Go runtime returning
	// memory lazily, what earlier work left).
	StartRSSMiB float64 `json:"start_rss_mib"`
	// PeakRSSMiB is the largest VmRSS sampled during the measured window.
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	// HWMMiB is VmHWM at the end: the process's peak resident size since it
	// started, as the kernel tracks it (not only this run's window).
	HWMMiB float64 `json:"hwm_mib"`
	// Samples is the number of successful samples.
	Samples int `json:"samples"`
}

// rssSampler reads /proc/PID/status periodically in its own goroutine.
type rssSampler struct {
	pid  int
	done chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	startKiB int64
	peakKiB  int64
	hwmKiB   int64
	samples  int
	stopOnce sync.Once
}

// startRSSSampler checks that pid can be read and starts sampling it.
func startRSSSampler(pid int) (*rssSampler, error) {
	if _, _, err := readProcMemory(pid); err != nil {
		return nil, fmt.Errorf("%w: --server-pid %d: %w", ErrConfig, pid, err)
	}
	s := &rssSampler{pid: pid, done: make(chan struct{})}
	s.sample()
	s.wg.Go(func() {
		tick := time.NewTicker(rssInterval)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				s.sample()
			}
		}
	})
	return s, nil
}

// sample takes one reading; a process that went away leaves the previous ones.
func (s *rssSampler) sample() {
	rss, hwm, err := readProcMemory(s.pid)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peakKiB = max(s.peakKiB, rss)
	s.hwmKiB = hwm
	s.samples++
}

// reset forgets the readings so far, so the peak covers only the measured
// window and not the uploads before it.
func (s *rssSampler) reset() {
	s.mu.Lock()
	s.peakKiB, s.samples = 0, 0
	s.mu.Unlock()
	s.sample()
	s.mu.Lock()
	s.startKiB = s.peakKiB
	s.mu.Unlock()
}

// result returns the readings so far after a final sample.
func (s *rssSampler) result() *ServerMemory {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return &ServerMemory{
		PID:         s.pid,
		StartRSSMiB: float64(s.startKiB) / 1024,
		PeakRSSMiB:  float64(s.peakKiB) / 1024,
		HWMMiB:      float64(s.hwmKiB) / 1024,
		Samples:     s.samples,
	}
}

// stop ends sampling; it is safe to call more than once.
func (s *rssSampler) stop() {
	s.stopOnce.Do(func() { close(s.done) })
	s.wg.Wait()
}

// readProcMemory returns VmRSS and VmHWM of pid in KiB.
func readProcMemory(pid int) (rss, hwm int64, err error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	return parseProcStatus(data)
}

// parseProcStatus extracts VmRSS and VmHWM (in KiB) from the text of
// /proc/PID/status, whose lines look like "VmRSS:\t   12345 kB".
func parseProcStatus(data []byte) (rss, hwm int64, err error) {
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, value, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		var dst *int64
		switch string(name) {
		case "VmRSS":
			dst = &rss
		case "VmHWM":
			dst = &hwm
		default:
			continue
		}
		fields := bytes.Fields(value)
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return 0, 0, fmt.Errorf("bench: unexpected %s line %q in /proc status", name, sc.Bytes())
		}
		if *dst, err = strconv.ParseInt(string(fields[0]), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("bench: %s in /proc status: %w", name, err)
		}
		found++
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("bench: /proc status has no VmRSS and VmHWM (a kernel thread or a zombie?)")
	}
	return rss, hwm, nil
}
