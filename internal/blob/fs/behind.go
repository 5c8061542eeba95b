package fs

import (
	"fmt"
	"io"
)

// maxInflight is how many full buffers one writer may have in flight while
// it fills the next. One upload's direct writes then overlap each other as
// well as the network: with several uploads at once a 512 KiB write waits
// behind the others' in the disk's queue for longer than hashing it takes.
const maxInflight = 2

// pending is a full buffer written in the background.
type pending struct {
	buf  *[]byte
	off  int64
	done chan writeResult
}

// writeResult is the outcome of a background write.
type writeResult struct {
	n   int
	err error
}

// submit starts the background write of the full buffer and of passing
// part of it to tee, and makes next the buffer to fill.
func (w *writer) submit(part []byte, next *[]byte) {
	p := &pending{buf: w.buf, off: w.off, done: make(chan writeResult, 1)}
	var teeDone chan struct{}
	if w.tee != nil {
		if w.tees == nil {
			w.tees = make(chan teePart, maxInflight)
			go teeLoop(w.tee, w.tees)
		}
		teeDone = make(chan struct{})
		w.tees <- teePart{part, teeDone}
	}
	go writeBehind(w.f.WriteAt, *p.buf, p.off, teeDone, p.done)
	w.inflight = append(w.inflight, p)
	w.off += int64(len(*p.buf))
	w.buf, w.n = next, 0
}

// teePart is a full buffer's bytes due to tee, and the channel to close
// once tee has them.
type teePart struct {
	part []byte
	done chan<- struct{}
}

// teeLoop passes each part to tee in the order submitted, until parts is
// closed. One goroutine per writer, rather than one per buffer waiting for
// the one before, means the next part reaches tee the moment the last one
// has gone: with a hasher that shares its work between uploads (md5lanes),
// every hop between goroutines is time its lane stands idle.
func teeLoop(tee io.Writer, parts <-chan teePart) {
	for p := range parts {
		if len(p.part) > 0 {
			_, _ = tee.Write(p.part)
		}
		close(p.done)
	}
}

// writeBehind writes b at off and reports on done once teeDone (if any) is
// closed too: the buffer is free only when both have finished with it.
func writeBehind(writeAt func([]byte, int64) (int, error), b []byte, off int64, teeDone <-chan struct{}, done chan<- writeResult) {
	n, err := writeAt(b, off)
	if teeDone != nil {
		<-teeDone
	}
	done <- writeResult{n, err}
}

// nextBuffer returns the buffer to fill after the current one is submitted:
// a new one while this writer and the store allow, else the oldest in
// flight once its write is done. It returns nil, nil when nothing is in
// flight and no buffer is to be had: the caller writes in place.
func (w *writer) nextBuffer() (*[]byte, error) {
	if len(w.inflight) < maxInflight && w.s.takeSpare() {
		return w.s.bufs.Get().(*[]byte), nil
	}
	if len(w.inflight) == 0 {
		return nil, nil
	}
	p, err := w.completeOldest()
	if err != nil {
		return nil, err
	}
	return p.buf, nil
}

// completeOldest takes the result of the oldest background write and
// accounts for it as out does for a synchronous one. Its buffer still
// holds the bytes, so a direct write the file system refused is written
// again through the page cache. The caller owns the returned buffer, and
// the spare reservation that came with it.
func (w *writer) completeOldest() (*pending, error) {
	p := w.inflight[0]
	w.inflight = w.inflight[1:]
	r := <-p.done
	if r.err != nil && r.n == 0 && directUnsupported(r.err) {
		w.s.noDirect(r.err)
		if w.direct {
			w.direct = false
			r.err = setDirect(w.f, false)
		}
		if r.err == nil {
			r.n, r.err = w.f.WriteAt(*p.buf, p.off)
		}
	}
	w.wrote(r.n)
	if r.err != nil && w.err == nil {
		w.err = fmt.Errorf("write blob: %w", r.err)
	}
	return p, w.err
}

// waitAll completes every background write, returns their buffers and
// spare reservations, and reports the first write error. After it, tee has
// received every submitted byte.
func (w *writer) waitAll() error {
	for len(w.inflight) > 0 {
		p, _ := w.completeOldest()
		w.s.bufs.Put(p.buf)
		w.s.spares.Add(-1)
	}
	w.inflight = nil
	return w.err
}
