package md5lanes

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const (
	lanes = 8

	// engineMin is the smallest write sent to an engine. Below it the
	// hand-off between goroutines costs more than sharing a pass saves.
	engineMin = 64 << 10

	// stepBlocks bounds one kernel call, 8 KiB of every lane, so that a
	// stream arriving while others are being hashed joins them within a
	// few microseconds instead of waiting for them to finish.
	stepBlocks = 128
)

// job is one write's whole blocks, waiting for or running in a lane.
type job struct {
	s    *[4]uint32
	p    []byte
	done chan struct{}
}

// hashing counts the large writes being hashed, in lanes or not;
// lastShared is when one last started while another was (UnixNano).
var (
	hashing    atomic.Int32
	lastShared atomic.Int64
)

// shareWindow is how long after two large writes last overlapped a lone one
// still goes to an engine: uploads running side by side leave gaps between
// their writes, and the next write of another is likely on its way.
const shareWindow = 5 * time.Millisecond

// start sends p to an engine, which updates s as it hashes it; wait
// returns once it has, and neither s nor p may be touched in between.
//
// When no other large write is being hashed, nor has been lately, start
// sends nothing and returns false: the caller hashes p itself, and calls
// wait all the same. A stream alone in a lane runs at the latency of the
// vector instructions, slower than crypto/md5's scalar code, and gains
// nothing from the lanes.
func (j *job) start(s *[4]uint32, p []byte) bool {
	j.s = nil
	now := time.Now().UnixNano()
	if hashing.Add(1) > 1 {
		lastShared.Store(now)
	} else if now-lastShared.Load() > int64(shareWindow) {
		return false
	}
	if j.done == nil {
		j.done = make(chan struct{}, 1)
	}
	j.s, j.p = s, p
	e := pickEngine()
	e.in <- j
	if e.active.CompareAndSwap(false, true) {
		go e.run()
	}
	return true
}

func (j *job) wait() {
	if j.s != nil {
		<-j.done
		j.s, j.p = nil, nil
	}
	hashing.Add(-1)
}

// engine hashes the jobs sent to it, up to eight at a time in lockstep.
// Its goroutine runs while there is work and ends after engineLinger
// without any, so an idle process keeps none.
type engine struct {
	in     chan *job
	load   atomic.Int32 // jobs sent and not yet done
	active atomic.Bool  // whether its goroutine runs
}

const engineLinger = 100 * time.Millisecond

var (
	enginesOnce sync.Once
	engines     []*engine
)

// pickEngine returns the first engine with a free lane, or the least
// loaded one, having counted the job in its load. Filling one engine before
// the next is the point: a step costs the same whether one lane is busy or
// all eight. One engine per two processors keeps the hashing from capping
// throughput on large machines.
func pickEngine() *engine {
	enginesOnce.Do(func() {
		for range max(1, runtime.GOMAXPROCS(0)/2) {
			engines = append(engines, &engine{in: make(chan *job, 4*lanes)})
		}
	})
	best := engines[0]
	for _, e := range engines {
		l := e.load.Load()
		if l < lanes {
			best = e
			break
		}
		if l < best.load.Load() {
			best = e
		}
	}
	best.load.Add(1)
	return best
}

// run is an engine's goroutine. It waits for a job when idle, otherwise
// fills free lanes with whatever jobs have arrived and hashes one step of
// every busy lane.
func (e *engine) run() {
	var (
		slots [lanes]*job
		busy  int
		st    laneState
		ptrs  [lanes]*byte
	)
	idle := time.NewTimer(engineLinger)
	defer idle.Stop()
	for {
		if busy == 0 {
			j, ok := e.next(idle)
			if !ok {
				return
			}
			slots[0], busy = j, 1
		}
	fill:
		for i := range slots {
			if slots[i] != nil {
				continue
			}
			select {
			case j := <-e.in:
				slots[i] = j
				busy++
			default:
				break fill
			}
		}

		n := stepBlocks
		var mask uint8
		finished := false
		var live *byte
		for i, j := range slots {
			if j == nil {
				continue
			}
			mask |= 1 << i
			n = min(n, len(j.p)/BlockSize)
			ptrs[i], live = &j.p[0], &j.p[0]
			for w := range st.s {
				st.s[w][i] = j.s[w]
			}
		}
		// The kernel reads every lane: idle ones read a busy lane's data.
		for i, j := range slots {
			if j == nil {
				ptrs[i] = live
			}
		}
		blocks8(&st, &ptrs, n, mask)
		for i, j := range slots {
			if j == nil {
				continue
			}
			for w := range st.s {
				j.s[w] = st.s[w][i]
			}
			j.p = j.p[n*BlockSize:]
			if len(j.p) == 0 {
				slots[i] = nil
				busy--
				e.load.Add(-1)
				j.done <- struct{}{}
				finished = true
			}
		}
		ptrs = [lanes]*byte{} // hold no buffer while idle
		if finished {
			// Sending on done made the owner runnable on this P, behind
			// this goroutine, which never blocks while lanes are busy.
			// Step aside so that it runs now and brings its next write.
			runtime.Gosched()
		}
	}
}

// next waits for a job while the engine is idle. After engineLinger without
// one it reports false, and the goroutine ends, unless a job arrived just as
// it gave up: a sender that finds the engine inactive starts a goroutine of
// its own, and whichever of the two claims active keeps running.
func (e *engine) next(t *time.Timer) (*job, bool) {
	t.Reset(engineLinger)
	for {
		select {
		case j := <-e.in:
			return j, true
		case <-t.C:
			e.active.Store(false)
			if len(e.in) == 0 || !e.active.CompareAndSwap(false, true) {
				return nil, false
			}
			t.Reset(engineLinger)
		}
	}
}
