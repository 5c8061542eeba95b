package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeS3 speaks just enough path-style S3 for the benchmark: buckets,
// objects, ListObjectsV2 and multipart uploads. It checks no signatures.
// corrupt flips a byte of every GET body; failPuts answers every PutObject
// with that S3 error code.
type fakeS3 struct {
	mu       sync.Mutex
	buckets  map[string]map[string][]byte
	uploads  map[string]map[int][]byte
	nextID   int
	corrupt  bool
	failPuts string
	// lists and continued count ListObjectsV2 requests, all and those with
	// a continuation token.
	lists, continued int
}

// startFakeS3 serves a fake S3 over HTTP until the test ends and returns
// its URL.
func startFakeS3(t *testing.T, f *fakeS3) string {
	t.Helper()
	f.buckets = map[string]map[string][]byte{}
	f.uploads = map[string]map[int][]byte{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

// startFakeS3TLS is startFakeS3 over HTTPS with a self-signed certificate.
func startFakeS3TLS(t *testing.T, f *fakeS3) string {
	t.Helper()
	f.buckets = map[string]map[string][]byte{}
	f.uploads = map[string]map[int][]byte{}
	srv := httptest.NewUnstartedServer(f)
	// The server's own error log would report the client rejecting the
	// certificate; that rejection is what one case expects.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

func (f *fakeS3) objectCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, b := range f.buckets {
		n += len(b)
	}
	return n
}

func (f *fakeS3) listCounts() (lists, continued int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists, f.continued
}

func (f *fakeS3) bucketCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.buckets)
}

func s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message></Error>", code, code)
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml")
	_ = xml.NewEncoder(w).Encode(v)
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s3Error(w, http.StatusBadRequest, "IncompleteBody")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	objects, ok := f.buckets[bucket]
	if !ok && !(r.Method == http.MethodPut && key == "") {
		s3Error(w, http.StatusNotFound, "NoSuchBucket")
		return
	}
	switch {
	case key == "" && r.Method == http.MethodPut:
		f.buckets[bucket] = map[string][]byte{}
	case key == "" && r.Method == http.MethodDelete:
		if len(objects) > 0 {
			s3Error(w, http.StatusConflict, "BucketNotEmpty")
			return
		}
		delete(f.buckets, bucket)
		w.WriteHeader(http.StatusNoContent)
	case key == "" && r.Method == http.MethodGet && q.Get("list-type") == "2":
		f.list(w, objects, q.Get("prefix"), q.Get("continuation-token"), q.Get("max-keys"))
	case r.Method == http.MethodPost && q.Has("uploads"):
		f.nextID++
		id := strconv.Itoa(f.nextID)
		f.uploads[id] = map[int][]byte{}
		writeXML(w, struct {
			XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
			Bucket   string
			Key      string
			UploadId string
		}{Bucket: bucket, Key: key, UploadId: id})
	case r.Method == http.MethodPut && q.Has("uploadId"):
		parts, ok := f.uploads[q.Get("uploadId")]
		if !ok {
			s3Error(w, http.StatusNotFound, "NoSuchUpload")
			return
		}
		n, _ := strconv.Atoi(q.Get("partNumber"))
		parts[n] = body
		w.Header().Set("ETag", fmt.Sprintf(`"part%d"`, n))
	case r.Method == http.MethodPost && q.Has("uploadId"):
		parts, ok := f.uploads[q.Get("uploadId")]
		if !ok {
			s3Error(w, http.StatusNotFound, "NoSuchUpload")
			return
		}
		var all []byte
		for _, n := range slices.Sorted(maps.Keys(parts)) {
			all = append(all, parts[n]...)
		}
		objects[key] = all
		delete(f.uploads, q.Get("uploadId"))
		writeXML(w, struct {
			XMLName xml.Name `xml:"CompleteMultipartUploadResult"`
			Key     string
			ETag    string
		}{Key: key, ETag: `"done"`})
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		delete(f.uploads, q.Get("uploadId"))
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPut:
		if f.failPuts != "" {
			s3Error(w, http.StatusServiceUnavailable, f.failPuts)
			return
		}
		objects[key] = body
		w.Header().Set("ETag", `"etag"`)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		data, ok := objects[key]
		if !ok {
			s3Error(w, http.StatusNotFound, "NoSuchKey")
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if r.Method == http.MethodGet {
			if f.corrupt && len(data) > 0 {
				data = bytes.Clone(data)
				data[len(data)/2] ^= 0xff
			}
			_, _ = w.Write(data)
		}
	case r.Method == http.MethodDelete:
		delete(objects, key)
		w.WriteHeader(http.StatusNoContent)
	default:
		s3Error(w, http.StatusNotImplemented, "NotImplemented")
	}
}

// list answers ListObjectsV2; the continuation token is the last key sent.
func (f *fakeS3) list(w http.ResponseWriter, objects map[string][]byte, prefix, after, maxKeys string) {
	f.lists++
	if after != "" {
		f.continued++
	}
	limit, err := strconv.Atoi(maxKeys)
	if err != nil || limit <= 0 || limit > 1000 {
		limit = 1000
	}
	type content struct {
		Key  string
		Size int
	}
	var res struct {
		XMLName               xml.Name `xml:"ListBucketResult"`
		Prefix                string
		KeyCount              int
		IsTruncated           bool
		NextContinuationToken string `xml:",omitempty"`
		Contents              []content
	}
	res.Prefix = prefix
	for _, k := range slices.Sorted(maps.Keys(objects)) {
		if !strings.HasPrefix(k, prefix) || k <= after {
			continue
		}
		if len(res.Contents) == limit {
			res.IsTruncated = true
			res.NextContinuationToken = res.Contents[limit-1].Key
			break
		}
		res.Contents = append(res.Contents, content{Key: k, Size: len(objects[k])})
	}
	res.KeyCount = len(res.Contents)
	writeXML(w, res)
}
