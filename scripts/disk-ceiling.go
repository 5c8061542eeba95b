//go:build ignore

// disk-ceiling measures how fast a disk takes durable writes in the pattern
// a 64 MiB PUT gives coffer's blob store, with none of the server's work:
// each writer writes 64 MiB files in 512 KiB O_DIRECT writes, -inflight of
// them at once, starts an fdatasync after every -sync-every MiB written
// (beside the writes; while one runs, the next waits for a later write,
// as in blob/fs) and syncs each file before it closes and removes it.
// What it prints is what the disk alone makes of that pattern; compare it,
// in the same minutes, with `coffer bench --workload put --size 64MiB
// --concurrency 4` against a server on that disk. The directory must be
// on a file system that takes O_DIRECT (not tmpfs).
//
//	go run scripts/disk-ceiling.go -dir /path/on/the/data/disk
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

const (
	fileSize  = 64 << 20
	writeSize = 512 << 10
)

func main() {
	writers := flag.Int("writers", 4, "files written at once")
	inflight := flag.Int("inflight", 2, "direct writes in flight per file (blob/fs: 2)")
	syncEvery := flag.Int("sync-every", 8, "MiB of direct writes between background fdatasyncs (0: only before close)")
	duration := flag.Duration("duration", 10*time.Second, "how long to start new files")
	dir := flag.String("dir", "", "a directory on the disk to measure (made and removed)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	work := filepath.Join(*dir, "disk-ceiling")
	if err := os.MkdirAll(work, 0o755); err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)
	var files atomic.Int64
	start := time.Now()
	stop := start.Add(*duration)
	var wg sync.WaitGroup
	for i := range *writers {
		wg.Go(func() {
			bufs := make(chan []byte, *inflight)
			for range *inflight {
				bufs <- aligned(writeSize)
			}
			for n := 0; time.Now().Before(stop); n++ {
				writeFile(filepath.Join(work, fmt.Sprintf("%d-%d", i, n)), bufs, *syncEvery<<20)
				files.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("writers %d, %d in flight each, fdatasync every %d MiB: %d files of 64 MiB in %.1f s, %.0f MiB/s\n",
		*writers, *inflight, *syncEvery, files.Load(), elapsed.Seconds(), float64(files.Load()*fileSize)/(1<<20)/elapsed.Seconds())
}

// writeFile writes one file as blob/fs writes a large blob, through the
// buffers in bufs (as many writes in flight as there are buffers), and
// removes it.
func writeFile(path string, bufs chan []byte, syncEvery int) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|syscall.O_DIRECT, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	var (
		writes, syncs sync.WaitGroup
		mu            sync.Mutex
		since         int
		syncing       bool // a sync is running: the next waits for a later write
	)
	for off := 0; off < fileSize; off += writeSize {
		buf := <-bufs
		writes.Go(func() {
			if _, err := f.WriteAt(buf, int64(off)); err != nil {
				log.Fatal(err)
			}
			bufs <- buf
			mu.Lock()
			defer mu.Unlock()
			if since += len(buf); syncEvery > 0 && since >= syncEvery && !syncing {
				since, syncing = 0, true
				syncs.Go(func() {
					if err := syscall.Fdatasync(int(f.Fd())); err != nil {
						log.Fatal(err)
					}
					mu.Lock()
					syncing = false
					mu.Unlock()
				})
			}
		})
	}
	writes.Wait()
	syncs.Wait()
	if err := f.Sync(); err != nil {
		log.Fatal(err)
	}
	f.Close()
	os.Remove(path)
}

// aligned returns n bytes at a 4 KiB boundary, as O_DIRECT requires.
func aligned(n int) []byte {
	b := make([]byte, n+4096)
	off := (4096 - int(uintptr(unsafe.Pointer(&b[0]))&4095)) & 4095
	return b[off : off+n]
}
