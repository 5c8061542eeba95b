package fs

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/coffer-s3/coffer/internal/blob"
)

// reader implements blob.Reader over a blob file, hiding its header.
type reader struct {
	f     *os.File
	size  int64
	flags blob.Flags
}

func newReader(f *os.File) (*reader, error) {
	var h [headerSize]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: file shorter than its header", blob.ErrCorrupt)
		}
		return nil, err
	}
	flags, err := decodeHeader(h[:])
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return &reader{f: f, size: info.Size() - headerSize, flags: blob.Flags(flags)}, nil
}

// ReadAt implements io.ReaderAt: offset 0 is the first byte written.
func (r *reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("blob/fs: negative offset %d", off)
	}
	if off >= r.size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	if rest := r.size - off; int64(len(p)) > rest {
		n, err := r.f.ReadAt(p[:rest], off+headerSize)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return r.f.ReadAt(p, off+headerSize)
}

// Flags implements blob.FlagReader.
func (r *reader) Flags() blob.Flags { return r.flags }

// Size implements blob.Reader.
func (r *reader) Size() int64 { return r.size }

// Close implements blob.Reader.
func (r *reader) Close() error { return r.f.Close() }

// WriteRangeTo implements blob.RangeWriter. When w can read from a file
// (an HTTP response on a TCP connection can), the range goes to it as the
// file itself, which the kernel sends with sendfile(2) straight from the
// page cache: no copy through this process. It moves the file offset, so
// it must not run concurrently with another WriteRangeTo on r.
func (r *reader) WriteRangeTo(w io.Writer, off, n int64) (int64, error) {
	if off < 0 || n < 0 || off+n > r.size {
		return 0, fmt.Errorf("blob/fs: range [%d, %d) outside a blob of %d bytes", off, off+n, r.size)
	}
	rf, ok := w.(io.ReaderFrom)
	if !ok {
		return io.CopyN(w, io.NewSectionReader(r, off, n), n)
	}
	if _, err := r.f.Seek(headerSize+off, io.SeekStart); err != nil {
		return 0, err
	}
	written, err := rf.ReadFrom(&io.LimitedReader{R: r.f, N: n})
	if err == nil && written < n {
		// The file is shorter than its size said when it was opened.
		err = io.ErrUnexpectedEOF
	}
	return written, err
}
