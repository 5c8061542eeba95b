package cluster_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Object bodies: every PUT writes an object of its own, named
// "w<worker>.<seq>.<size>"; the body is the name on its first line, then
// bytes derived from the name up to size. A body read back therefore says
// which write it came from and whether it arrived whole.

// objectName names the seq-th object worker writes.
func objectName(worker, seq, size int) string {
	return fmt.Sprintf("w%d.%d.%d", worker, seq, size)
}

// bodyOf is the content of the object named name.
func bodyOf(name string) []byte {
	size, err := strconv.Atoi(name[strings.LastIndexByte(name, '.')+1:])
	if err != nil {
		panic("bad object name " + name)
	}
	b := make([]byte, max(size, len(name)+1))
	n := copy(b, name+"\n")
	h := fnv.New64a()
	h.Write([]byte(name))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0))
	for i := n; i < len(b); i++ {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// etagOf is the ETag S3 gives the object named name: the quoted MD5 of
// its body (single-part PUT, SSE-S3 or none).
func etagOf(name string) string {
	sum := md5.Sum(bodyOf(name))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// errCorrupt marks a body that is not one this test wrote.
var errCorrupt = errors.New("body is not an object the test wrote")

// nameOf returns the name of the object whose body b is, after checking
// every byte.
func nameOf(b []byte) (string, error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return "", fmt.Errorf("%w: no name line in %d bytes", errCorrupt, len(b))
	}
	name := string(b[:i])
	parts := strings.Split(name, ".")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "w") {
		return "", fmt.Errorf("%w: name line %q", errCorrupt, name)
	}
	if _, err := strconv.Atoi(parts[2]); err != nil {
		return "", fmt.Errorf("%w: name line %q", errCorrupt, name)
	}
	if !bytes.Equal(b, bodyOf(name)) {
		return "", fmt.Errorf("%w: %d bytes named %s differ from what was written", errCorrupt, len(b), name)
	}
	return name, nil
}
