package sse

import (
	"bytes"
	"io"
	"net"
	"testing"
)

// loopback returns the sending end of a TCP connection on 127.0.0.1
// whose other end is drained, as a GET's response is sent.
func loopback(b *testing.B) net.Conn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(io.Discard, c)
		c.Close()
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn.Close()
		ln.Close()
		<-done
	})
	return conn
}

// BenchmarkDecryptTCP sends a 64 MiB object over a loopback connection:
// plaintext (the baseline), decrypted one buffer at a time (serial: read,
// decrypt, send, as WriteTo did before decrypting ahead), and through
// io.Copy, whose WriteTo decrypts the next buffer while one is sent.
func BenchmarkDecryptTCP(b *testing.B) {
	const n = 64 << 20
	p := plaintext(n, 1)
	key := newKey(b)
	c := encryptWriter(b, key, p)
	b.Run("plain", func(b *testing.B) {
		conn := loopback(b)
		buf := make([]byte, 4*ChunkSize)
		b.SetBytes(n)
		for b.Loop() {
			if _, err := io.CopyBuffer(writerOnly{conn}, readerOnly{bytes.NewReader(p)}, buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serial", func(b *testing.B) {
		conn := loopback(b)
		buf := make([]byte, 4*ChunkSize)
		b.SetBytes(n)
		for b.Loop() {
			r, err := Decrypt(bytes.NewReader(c), key, n)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(writerOnly{conn}, readerOnly{r}, buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ahead", func(b *testing.B) {
		conn := loopback(b)
		b.SetBytes(n)
		for b.Loop() {
			r, err := Decrypt(bytes.NewReader(c), key, n)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(writerOnly{conn}, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
