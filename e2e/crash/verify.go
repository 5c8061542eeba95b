package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// verify checks the store against the model and then collapses every
// uncertain key to the state it was found in, so the next round starts from
// exact knowledge. It returns the violations it found.
func verify(ctx context.Context, client *s3.Client, bucket string, m *model, label string) ([]string, int, error) {
	var violations []string
	listed, err := listAll(ctx, client, bucket)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: list objects: %w", label, err)
	}
	for key := range listed {
		if !m.known(key) {
			violations = append(violations, fmt.Sprintf("%s: listing shows %q, which was never written", label, key))
		}
	}
	checked := 0
	for _, key := range m.sortedKeys() {
		possible := m.current(key)
		got, err := read(ctx, client, bucket, key)
		if err != nil {
			return nil, checked, fmt.Errorf("%s: get %q: %w", label, key, err)
		}
		checked++
		if !contains(possible, got) {
			violations = append(violations, fmt.Sprintf("%s: %q holds %s, want %s", label, key, got, describe(possible)))
		}
		size, isListed := listed[key]
		switch {
		case got.present && !isListed:
			violations = append(violations, fmt.Sprintf("%s: %q is readable but missing from the listing", label, key))
		case !got.present && isListed:
			violations = append(violations, fmt.Sprintf("%s: %q is listed but GET says NoSuchKey", label, key))
		case got.present && size != got.size:
			violations = append(violations, fmt.Sprintf("%s: %q is listed with size %d but GET returned %d bytes", label, key, size, got.size))
		}
		m.acknowledged(key, got)
	}
	return violations, checked, nil
}

func contains(states []state, s state) bool {
	for _, q := range states {
		if q.matches(s) {
			return true
		}
	}
	return false
}

// read returns what the store holds for key.
func read(ctx context.Context, client *s3.Client, bucket, key string) (state, error) {
	return readVersion(ctx, client, bucket, key, "")
}

// readVersion returns what the store holds for one version of key (the
// current one if versionID is empty). A missing version is an error
// (NoSuchVersion); a missing key is absent.
func readVersion(ctx context.Context, client *s3.Client, bucket, key, versionID string) (state, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := client.GetObject(ctx, in)
	if err != nil {
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) {
			return absent, nil
		}
		return state{}, err
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return state{}, fmt.Errorf("read body: %w", err)
	}
	s := state{present: true, size: n, etag: aws.ToString(out.ETag)}
	copy(s.sum[:], h.Sum(nil))
	return s, nil
}

// listAll returns every key in bucket with its listed size.
func listAll(ctx context.Context, client *s3.Client, bucket string) (map[string]int64, error) {
	keys := make(map[string]int64)
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(250)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if _, dup := keys[key]; dup {
				return nil, fmt.Errorf("listing returned %q twice", key)
			}
			keys[key] = aws.ToInt64(o.Size)
		}
	}
	return keys, nil
}
