package main

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// verifyVersions checks the versioned bucket against vm after a restart: the
// listing of every key against checkVersions, each listed object version's
// bytes by a GET of its version id, and each version whose deletion was
// acknowledged by a GET answering NoSuchVersion. It returns the violations
// and how many versions it checked.
func verifyVersions(ctx context.Context, client *s3.Client, raw *rawClient, bucket string, vm *vmodel, label string) ([]string, int, error) {
	listed, err := listVersions(ctx, raw, bucket)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: list object versions: %w", label, err)
	}
	snap := vm.snapshot()
	var violations []string
	for key := range listed {
		if _, ok := snap[key]; !ok {
			violations = append(violations, fmt.Sprintf("%s: versioned listing shows %q, which was never written", label, key))
		}
	}
	checked := 0
	for _, key := range sortedVKeys(snap) {
		obs := listed[key]
		for i := range obs {
			if obs[i].marker {
				continue
			}
			listedSize := obs[i].st.size
			st, err := readVersion(ctx, client, bucket, key, obs[i].id)
			if err != nil {
				return nil, checked, fmt.Errorf("%s: get %q version %s: %w", label, key, obs[i].id, err)
			}
			if st.size != listedSize {
				violations = append(violations, fmt.Sprintf("%s: versioned %q version %s is listed with size %d but GET returned %d bytes",
					label, key, obs[i].id, listedSize, st.size))
			}
			obs[i].st = st
			checked++
		}
		k := snap[key]
		violations = append(violations, checkVersions(label, key, k, obs)...)
		for _, e := range k.entries {
			if !e.gone || e.marker {
				continue
			}
			_, err := readVersion(ctx, client, bucket, key, e.id)
			checked++
			switch {
			case err == nil:
				violations = append(violations, fmt.Sprintf("%s: versioned %q version %s is readable after its deletion was acknowledged", label, key, e.id))
			case apiCode(err) != "NoSuchVersion":
				return nil, checked, fmt.Errorf("%s: get deleted %q version %s: %w", label, key, e.id, err)
			}
		}
	}
	return violations, checked, nil
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// listVersions returns every version and delete marker in bucket, by key,
// newest first as ListObjectVersions orders them. An object version's st
// holds only its listed size.
//
// The SDK returns versions and delete markers as two separate lists, which
// loses their order relative to each other; the response itself has them
// in one sequence, so this reads it directly.
func listVersions(ctx context.Context, client *rawClient, bucket string) (map[string][]observed, error) {
	out := make(map[string][]observed)
	q := url.Values{"versions": {""}, "max-keys": {"250"}}
	for {
		var page listVersionsResult
		if err := client.getXML(ctx, "/"+bucket, q, &page); err != nil {
			return nil, err
		}
		for _, e := range page.Entries {
			if n := e.XMLName.Local; n != "Version" && n != "DeleteMarker" {
				continue
			}
			o := observed{id: e.VersionID, latest: e.IsLatest, marker: e.XMLName.Local == "DeleteMarker"}
			if !o.marker {
				o.st = state{present: true, size: e.Size}
			}
			out[e.Key] = append(out[e.Key], o)
		}
		if !page.IsTruncated {
			return out, nil
		}
		q.Set("key-marker", page.NextKeyMarker)
		q.Set("version-id-marker", page.NextVersionIDMarker)
	}
}

// listVersionsResult is the part of a ListVersionsResult the driver reads,
// with Version and DeleteMarker elements kept in document order.
type listVersionsResult struct {
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string `xml:"NextVersionIdMarker"`
	Entries             []struct {
		XMLName   xml.Name
		Key       string
		VersionID string `xml:"VersionId"`
		IsLatest  bool
		Size      int64
	} `xml:",any"`
}

// retire empties what the round just verified wrote once, so the store
// and the model stay the size of one round: the copy destinations in
// bucket and every version in vbucket. The server is up and nothing else
// runs, so every request must succeed.
func retire(ctx context.Context, client *s3.Client, raw *rawClient, bucket, vbucket string, m *model, vm *vmodel) error {
	var copies []types.ObjectIdentifier
	for _, k := range m.sortedKeys() {
		if strings.Contains(k, copyPrefix) {
			copies = append(copies, types.ObjectIdentifier{Key: aws.String(k)})
		}
	}
	if err := deleteAll(ctx, client, bucket, copies); err != nil {
		return fmt.Errorf("remove copies: %w", err)
	}
	for _, id := range copies {
		m.forget(aws.ToString(id.Key))
	}
	listed, err := listVersions(ctx, raw, vbucket)
	if err != nil {
		return fmt.Errorf("list versions to remove: %w", err)
	}
	var versions []types.ObjectIdentifier
	for key, obs := range listed {
		for _, o := range obs {
			versions = append(versions, types.ObjectIdentifier{Key: aws.String(key), VersionId: aws.String(o.id)})
		}
	}
	if err := deleteAll(ctx, client, vbucket, versions); err != nil {
		return fmt.Errorf("remove versions: %w", err)
	}
	vm.reset()
	return nil
}

// deleteAll deletes ids in batches, failing on any per-entry error.
func deleteAll(ctx context.Context, client *s3.Client, bucket string, ids []types.ObjectIdentifier) error {
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		out, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(bucket), Delete: &types.Delete{Objects: ids[:n], Quiet: aws.Bool(true)},
		})
		if err != nil {
			return err
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("%q version %s: %s %s", aws.ToString(e.Key), aws.ToString(e.VersionId), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		ids = ids[n:]
	}
	return nil
}
