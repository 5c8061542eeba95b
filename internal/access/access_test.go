package access

import "testing"

func TestEffective(t *testing.T) {
	tests := []struct {
		name            string
		bucket, account *PublicAccessBlock
		want            PublicAccessBlock
	}{
		{"neither", nil, nil, PublicAccessBlock{}},
		{"bucket only", &PublicAccessBlock{BlockPublicPolicy: true}, nil, PublicAccessBlock{BlockPublicPolicy: true}},
		{"account only", nil, &PublicAccessBlock{RestrictPublicBuckets: true}, PublicAccessBlock{RestrictPublicBuckets: true}},
		{"the more restrictive wins", &PublicAccessBlock{BlockPublicAcls: true}, &PublicAccessBlock{IgnorePublicAcls: true, BlockPublicPolicy: true},
			PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true}},
		{"a bucket cannot lift the account's flag", &PublicAccessBlock{}, &All, All},
	}
	for _, tt := range tests {
		if got := Effective(tt.bucket, tt.account); got != tt.want {
			t.Errorf("%s: Effective(%+v, %+v) = %+v, want %+v", tt.name, tt.bucket, tt.account, got, tt.want)
		}
		b := Bucket{Block: tt.bucket, AccountBlock: tt.account}
		if got := b.EffectiveBlock(); got != tt.want {
			t.Errorf("%s: EffectiveBlock = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
