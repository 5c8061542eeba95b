// Package access describes a bucket's access state as authorization reads
// it: the owning account, the bucket's Object Ownership, the bucket policy
// and the Block Public Access settings of the bucket and of its owner's
// account. It holds plain values and the rule that combines the two Block
// Public Access levels; it reads nothing and decides nothing
// (iam.Authorize does).
package access
