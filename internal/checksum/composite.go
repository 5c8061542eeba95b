package checksum

// CompositeSum returns the COMPOSITE multipart checksum (see the Composite
// Type): a computed over the concatenated raw part checksums, in part order.
// S3 writes it as base64(value) + "-" + len(partSums); that wire form is the
// caller's.
//
// It is not named Composite because that name is the checksum Type.
func CompositeSum(a Algorithm, partSums [][]byte) []byte {
	h := a.New()
	for _, s := range partSums {
		h.Write(s)
	}
	return h.Sum(nil)
}
