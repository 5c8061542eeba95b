//go:build race

package checksum

// The race detector changes what escapes: crypto/md5's AppendBinary, which
// md5lanes uses, allocates under it and not otherwise.
const raceEnabled = true
