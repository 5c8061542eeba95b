package s3api

import "encoding/xml"

// The XML documents of the S3 API. Response types carry the S3 namespace;
// request types match their element in any namespace, since clients differ
// in whether they send it.

// owner is the Owner / Initiator element.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// checksumFields are the per-algorithm checksum elements that appear in
// parts, copy results and completion results.
type checksumFields struct {
	ChecksumCRC32     string `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string `xml:"ChecksumSHA256,omitempty"`
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             owner       `xml:"Owner"`
	Buckets           []bucketXML `xml:"Buckets>Bucket"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
	Prefix            string      `xml:"Prefix,omitempty"`
}

type bucketXML struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

type listBucketResultV1 struct {
	XMLName        xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name           string         `xml:"Name"`
	Prefix         xmlText        `xml:"Prefix"`
	Marker         xmlText        `xml:"Marker"`
	NextMarker     xmlText        `xml:"NextMarker,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      xmlText        `xml:"Delimiter,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	Contents       []objectXML    `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
}

type listBucketResultV2 struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name         string   `xml:"Name"`
	Prefix       xmlText  `xml:"Prefix"`
	Delimiter    xmlText  `xml:"Delimiter,omitempty"`
	MaxKeys      int      `xml:"MaxKeys"`
	KeyCount     int      `xml:"KeyCount"`
	IsTruncated  bool     `xml:"IsTruncated"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	// ContinuationToken echoes the request's token; nil when the request
	// had none, so an empty token sent is echoed as an empty element.
	ContinuationToken     *string        `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            xmlText        `xml:"StartAfter,omitempty"`
	Contents              []objectXML    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type objectXML struct {
	Key               xmlText `xml:"Key"`
	LastModified      string  `xml:"LastModified"`
	ETag              string  `xml:"ETag"`
	ChecksumAlgorithm string  `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string  `xml:"ChecksumType,omitempty"`
	Size              int64   `xml:"Size"`
	Owner             *owner  `xml:"Owner,omitempty"`
	StorageClass      string  `xml:"StorageClass"`
	// Restore is sent when x-amz-optional-object-attributes asks.
	Restore *restoreStatusXML `xml:"RestoreStatus,omitempty"`
}

type commonPrefix struct {
	Prefix xmlText `xml:"Prefix"`
}

type copyObjectResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	ChecksumType string   `xml:"ChecksumType,omitempty"`
	checksumFields
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyPartResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	checksumFields
}

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  []tagXML `xml:"TagSet>Tag"`
}

type taggingResult struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Tagging"`
	TagSet  []tagXML `xml:"TagSet>Tag"`
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type deleteRequest struct {
	XMLName xml.Name          `xml:"Delete"`
	Quiet   bool              `xml:"Quiet"`
	Objects []deleteObjectXML `xml:"Object"`
}

type deleteObjectXML struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId"`
	// ETag makes the entry a conditional delete (If-Match). Size and
	// LastModifiedTime are directory-bucket conditions: only their
	// presence matters, since coffer refuses them.
	ETag             string  `xml:"ETag"`
	LastModifiedTime *string `xml:"LastModifiedTime"`
	Size             *string `xml:"Size"`
}

type deleteResult struct {
	XMLName xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ DeleteResult"`
	Deleted []deletedXML   `xml:"Deleted"`
	Errors  []deleteErrXML `xml:"Error"`
}

type deletedXML struct {
	Key                   xmlText `xml:"Key"`
	VersionID             string  `xml:"VersionId,omitempty"`
	DeleteMarker          bool    `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string  `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteErrXML struct {
	Key       xmlText `xml:"Key"`
	VersionID string  `xml:"VersionId,omitempty"`
	Code      string  `xml:"Code"`
	Message   string  `xml:"Message"`
}

type initiateMultipartUploadResult struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      xmlText  `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

type completeMultipartUpload struct {
	XMLName xml.Name           `xml:"CompleteMultipartUpload"`
	Parts   []completedPartXML `xml:"Part"`
}

type completedPartXML struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	checksumFields
}

type completeMultipartUploadResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CompleteMultipartUploadResult"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          xmlText  `xml:"Key"`
	ETag         string   `xml:"ETag"`
	ChecksumType string   `xml:"ChecksumType,omitempty"`
	checksumFields
}

type listPartsResult struct {
	XMLName              xml.Name  `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListPartsResult"`
	Bucket               string    `xml:"Bucket"`
	Key                  xmlText   `xml:"Key"`
	UploadID             string    `xml:"UploadId"`
	PartNumberMarker     int       `xml:"PartNumberMarker"`
	NextPartNumberMarker int       `xml:"NextPartNumberMarker"`
	MaxParts             int       `xml:"MaxParts"`
	IsTruncated          bool      `xml:"IsTruncated"`
	Parts                []partXML `xml:"Part"`
	Initiator            owner     `xml:"Initiator"`
	Owner                owner     `xml:"Owner"`
	StorageClass         string    `xml:"StorageClass"`
	ChecksumAlgorithm    string    `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string    `xml:"ChecksumType,omitempty"`
}

type partXML struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	checksumFields
}

type listMultipartUploadsResult struct {
	XMLName            xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListMultipartUploadsResult"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          xmlText        `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      xmlText        `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Prefix             xmlText        `xml:"Prefix"`
	Delimiter          xmlText        `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	IsTruncated        bool           `xml:"IsTruncated"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	Uploads            []uploadXML    `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

type uploadXML struct {
	Key               xmlText `xml:"Key"`
	UploadID          string  `xml:"UploadId"`
	Initiator         owner   `xml:"Initiator"`
	Owner             owner   `xml:"Owner"`
	StorageClass      string  `xml:"StorageClass"`
	Initiated         string  `xml:"Initiated"`
	ChecksumAlgorithm string  `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string  `xml:"ChecksumType,omitempty"`
}

type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      xmlText  `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

// versioningConfiguration is the body of PutBucketVersioning and
// GetBucketVersioning. MfaDelete is a pointer to tell "absent" from empty.
type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete *string  `xml:"MfaDelete"`
}

// versioningConfigurationResult renders MfaDelete only once a
// configuration named it, as S3 does.
type versioningConfigurationResult struct {
	XMLName   xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

// listVersionsResult is the ListObjectVersions body. Entries holds
// *versionXML and *deleteMarkerXML values in listing order: each renders as
// its own element, so Version and DeleteMarker elements interleave as S3
// sends them.
type listVersionsResult struct {
	XMLName             xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListVersionsResult"`
	Name                string         `xml:"Name"`
	Prefix              xmlText        `xml:"Prefix"`
	KeyMarker           xmlText        `xml:"KeyMarker"`
	VersionIDMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       xmlText        `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           xmlText        `xml:"Delimiter,omitempty"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Entries             []any          `xml:""`
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
	EncodingType        string         `xml:"EncodingType,omitempty"`
}

type versionXML struct {
	XMLName           xml.Name `xml:"Version"`
	Key               xmlText  `xml:"Key"`
	VersionID         string   `xml:"VersionId"`
	IsLatest          bool     `xml:"IsLatest"`
	LastModified      string   `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	ChecksumAlgorithm string   `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
	Size              int64    `xml:"Size"`
	StorageClass      string   `xml:"StorageClass"`
	Owner             *owner   `xml:"Owner,omitempty"`
	// Restore is sent when x-amz-optional-object-attributes asks.
	Restore *restoreStatusXML `xml:"RestoreStatus,omitempty"`
}

type deleteMarkerXML struct {
	XMLName      xml.Name `xml:"DeleteMarker"`
	Key          xmlText  `xml:"Key"`
	VersionID    string   `xml:"VersionId"`
	IsLatest     bool     `xml:"IsLatest"`
	LastModified string   `xml:"LastModified"`
	Owner        *owner   `xml:"Owner,omitempty"`
}

// objectLockConfiguration is the body of Put/GetObjectLockConfiguration.
type objectLockConfiguration struct {
	XMLName           xml.Name        `xml:"ObjectLockConfiguration"`
	ObjectLockEnabled string          `xml:"ObjectLockEnabled,omitempty"`
	Rule              *objectLockRule `xml:"Rule,omitempty"`
}

type objectLockConfigurationResult struct {
	XMLName           xml.Name        `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ObjectLockConfiguration"`
	ObjectLockEnabled string          `xml:"ObjectLockEnabled"`
	Rule              *objectLockRule `xml:"Rule,omitempty"`
}

type objectLockRule struct {
	DefaultRetention *defaultRetentionXML `xml:"DefaultRetention"`
}

// defaultRetentionXML is a DefaultRetention; Days and Years are pointers
// so that a parser can tell an absent period from a zero one.
type defaultRetentionXML struct {
	Mode  string `xml:"Mode"`
	Days  *int   `xml:"Days,omitempty"`
	Years *int   `xml:"Years,omitempty"`
}

// retentionXML is the body of Put/GetObjectRetention.
type retentionXML struct {
	XMLName         xml.Name `xml:"Retention"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
}

type retentionResult struct {
	XMLName         xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Retention"`
	Mode            string   `xml:"Mode"`
	RetainUntilDate string   `xml:"RetainUntilDate"`
}

// legalHoldXML is the body of Put/GetObjectLegalHold.
type legalHoldXML struct {
	XMLName xml.Name `xml:"LegalHold"`
	Status  string   `xml:"Status"`
}

type legalHoldResult struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LegalHold"`
	Status  string   `xml:"Status"`
}

// getObjectAttributesResponse is GetObjectAttributes' body: only the
// attributes asked for appear, in the order of the API reference.
type getObjectAttributesResponse struct {
	XMLName      xml.Name               `xml:"http://s3.amazonaws.com/doc/2006-03-01/ GetObjectAttributesResponse"`
	ETag         string                 `xml:"ETag,omitempty"`
	Checksum     *attributesChecksumXML `xml:"Checksum,omitempty"`
	ObjectParts  *objectPartsXML        `xml:"ObjectParts,omitempty"`
	StorageClass string                 `xml:"StorageClass,omitempty"`
	ObjectSize   *int64                 `xml:"ObjectSize,omitempty"`
}

type attributesChecksumXML struct {
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

// objectPartsXML is the ObjectParts element; its count is spelled
// PartsCount on the wire (TotalPartsCount in the SDKs). The paging
// elements appear only when the parts are listed.
type objectPartsXML struct {
	IsTruncated          *bool           `xml:"IsTruncated,omitempty"`
	MaxParts             *int            `xml:"MaxParts,omitempty"`
	NextPartNumberMarker *int            `xml:"NextPartNumberMarker,omitempty"`
	PartNumberMarker     *int            `xml:"PartNumberMarker,omitempty"`
	Parts                []objectPartXML `xml:"Part"`
	PartsCount           int             `xml:"PartsCount"`
}

type objectPartXML struct {
	checksumFields
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
}
