package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// opKind is one measured S3 operation. multipart counts a whole
// create-upload-complete sequence as one operation.
type opKind int

const (
	opPut opKind = iota
	opGet
	opHead
	opDelete
	opList
	opMultipart
	opIdle
	numOps
)

func (k opKind) String() string {
	switch k {
	case opPut:
		return WorkloadPut
	case opGet:
		return WorkloadGet
	case opHead:
		return WorkloadHead
	case opDelete:
		return WorkloadDelete
	case opList:
		return WorkloadList
	case opMultipart:
		return WorkloadMultipart
	case opIdle:
		return WorkloadIdle
	}
	return "op" + strconv.Itoa(int(k))
}

// opByName returns the operation a workload or mix entry names.
func opByName(name string) (opKind, bool) {
	for k := range numOps {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// errExhausted tells a worker that there is nothing left to operate on (the
// delete workload ran out of objects).
var errExhausted = errors.New("bench: no objects left")

// Error codes for failures that carry no S3 error code.
const (
	codeNetwork = "network"
	codeVerify  = "verify"
)

// errorCode names the failure the way the report counts it: the S3 error
// code when the server sent one, "verify" for content mismatches and
// "network" for everything else (connection resets, timeouts).
func errorCode(err error) string {
	if errors.Is(err, errVerify) {
		return codeVerify
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() != "" {
		return apiErr.ErrorCode()
	}
	return codeNetwork
}

// unsignedPayload makes the SDK send UNSIGNED-PAYLOAD instead of hashing the
// body with SHA-256 (which it does on plain HTTP), keeping client CPU low.
func unsignedPayload(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
}

// uploadOptions returns the per-request options for uploads.
func (b *bench) uploadOptions() []func(*s3.Options) {
	if b.cfg.SignPayload {
		return nil
	}
	return []func(*s3.Options){unsignedPayload}
}

// checksumAlgorithm is CRC32 when --checksum asks for checksums, else unset.
func (b *bench) checksumAlgorithm() types.ChecksumAlgorithm {
	if b.cfg.Checksum {
		return types.ChecksumAlgorithmCrc32
	}
	return ""
}

// sse returns the server-side encryption fields of an upload.
func (b *bench) sse() (types.ServerSideEncryption, *string, *bool) {
	switch b.cfg.SSE {
	case "":
		return "", nil, nil
	case SSEKMS:
		var keyID *string
		if b.cfg.SSEKMSKeyID != "" {
			keyID = &b.cfg.SSEKMSKeyID
		}
		return types.ServerSideEncryptionAwsKms, keyID, &b.cfg.BucketKey
	}
	return types.ServerSideEncryption(b.cfg.SSE), nil, nil
}

// put uploads the object with index idx in one PutObject.
func (b *bench) put(ctx context.Context, c *s3.Client, idx int64) (int64, error) {
	key := b.key(idx)
	size := b.cfg.Size
	sse, kmsKey, bucketKey := b.sse()
	_, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket:               &b.bucket,
		Key:                  &key,
		Body:                 &patternReader{block: b.block, start: contentStart(key), size: size},
		ContentLength:        &size,
		ChecksumAlgorithm:    b.checksumAlgorithm(),
		ServerSideEncryption: sse,
		SSEKMSKeyId:          kmsKey,
		BucketKeyEnabled:     bucketKey,
	}, b.uploadOptions()...)
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	return size, nil
}

// get downloads object idx and compares every byte with what put uploaded.
func (w *worker) get(ctx context.Context, idx int64) (int64, error) {
	b := w.b
	key := b.key(idx)
	out, err := w.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: &key})
	if err != nil {
		return 0, fmt.Errorf("get %s: %w", key, err)
	}
	defer out.Body.Close()
	n, err := verifyBody(out.Body, b.block, contentStart(key), b.cfg.Size, w.buf)
	if err != nil {
		return n, fmt.Errorf("get %s: %w", key, err)
	}
	return n, nil
}

// head fetches object idx's metadata and checks its length.
func (w *worker) head(ctx context.Context, idx int64) error {
	b := w.b
	key := b.key(idx)
	out, err := w.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("head %s: %w", key, err)
	}
	if got := aws.ToInt64(out.ContentLength); got != b.cfg.Size {
		return fmt.Errorf("head %s: %w: length %d, want %d", key, errVerify, got, b.cfg.Size)
	}
	return nil
}

// del deletes object idx.
func (w *worker) del(ctx context.Context, idx int64) error {
	key := w.b.key(idx)
	if _, err := w.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &w.b.bucket, Key: &key}); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// listPage fetches the next page of the worker's walk over the run prefix,
// starting over after the last page. Its latency ends when the page's last
// byte arrives (see bufferingTransport). In the list workload, where the
// prefix holds exactly the preloaded objects, each walk is checked: keys
// under the prefix, in ascending order, and all of them by the last page.
func (w *worker) listPage(ctx context.Context) error {
	b := w.b
	out, err := w.lister.ListObjectsV2(withLastByte(ctx, &w.lastByte), &s3.ListObjectsV2Input{
		Bucket:            &b.bucket,
		Prefix:            &b.prefix,
		MaxKeys:           aws.Int32(int32(b.cfg.MaxKeys)),
		ContinuationToken: w.listToken,
	})
	if err == nil && b.cfg.Workload == WorkloadList {
		err = w.checkPage(out)
	}
	w.listToken = nil
	if err != nil {
		w.listLast, w.listSeen = "", 0
		return fmt.Errorf("list %s: %w", b.prefix, err)
	}
	if aws.ToBool(out.IsTruncated) {
		w.listToken = out.NextContinuationToken
		return nil
	}
	w.listLast, w.listSeen = "", 0
	return nil
}

// checkPage checks one page of a walk over exactly the preloaded objects.
func (w *worker) checkPage(out *s3.ListObjectsV2Output) error {
	for _, o := range out.Contents {
		k := aws.ToString(o.Key)
		if !strings.HasPrefix(k, w.b.prefix) || k <= w.listLast {
			return fmt.Errorf("%w: key %q after %q in a listing of %q", errVerify, k, w.listLast, w.b.prefix)
		}
		w.listLast = k
	}
	w.listSeen += int64(len(out.Contents))
	switch {
	case aws.ToBool(out.IsTruncated) && aws.ToString(out.NextContinuationToken) == "":
		return fmt.Errorf("%w: truncated page without a continuation token", errVerify)
	case !aws.ToBool(out.IsTruncated) && w.listSeen != w.b.preloaded:
		return fmt.Errorf("%w: listing returned %d keys, want %d", errVerify, w.listSeen, w.b.preloaded)
	}
	return nil
}

// multipart uploads object idx as parts of PartSize (the last one shorter)
// and completes it, aborting the upload when any step fails.
func (w *worker) multipart(ctx context.Context, idx int64) (int64, error) {
	b := w.b
	key := b.key(idx)
	sse, kmsKey, bucketKey := b.sse()
	created, err := w.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:               &b.bucket,
		Key:                  &key,
		ChecksumAlgorithm:    b.checksumAlgorithm(),
		ServerSideEncryption: sse,
		SSEKMSKeyId:          kmsKey,
		BucketKeyEnabled:     bucketKey,
	})
	if err != nil {
		return 0, fmt.Errorf("create multipart upload %s: %w", key, err)
	}
	parts, err := w.uploadParts(ctx, key, created.UploadId)
	if err == nil {
		_, err = w.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket:          &b.bucket,
			Key:             &key,
			UploadId:        created.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
		if err != nil {
			err = fmt.Errorf("complete multipart upload %s: %w", key, err)
		}
	}
	if err != nil {
		// The abort must happen even when the run is being cancelled, or
		// the server keeps the parts.
		_, _ = w.setup.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: &b.bucket, Key: &key, UploadId: created.UploadId,
		})
		return 0, err
	}
	return b.cfg.Size, nil
}

// uploadParts uploads the parts of key's content in order.
func (w *worker) uploadParts(ctx context.Context, key string, uploadID *string) ([]types.CompletedPart, error) {
	b := w.b
	start := contentStart(key)
	size, partSize := b.cfg.Size, b.cfg.PartSize
	nparts := max(1, (size+partSize-1)/partSize)
	parts := make([]types.CompletedPart, 0, nparts)
	for i := range nparts {
		off := i * partSize
		n := min(partSize, size-off)
		num := int32(i + 1)
		out, err := w.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket:            &b.bucket,
			Key:               &key,
			UploadId:          uploadID,
			PartNumber:        &num,
			Body:              &patternReader{block: b.block, start: start + off, size: n},
			ContentLength:     &n,
			ChecksumAlgorithm: b.checksumAlgorithm(),
		}, b.uploadOptions()...)
		if err != nil {
			return nil, fmt.Errorf("upload part %d of %s: %w", num, key, err)
		}
		parts = append(parts, types.CompletedPart{
			PartNumber:    &num,
			ETag:          out.ETag,
			ChecksumCRC32: out.ChecksumCRC32,
		})
	}
	return parts, nil
}
