package stsapi

// unimplemented are the STS actions of botocore's sts model (API version
// 2011-06-15) that coffer does not serve yet. They answer 501 NotImplemented in
// the STS error envelope rather than InvalidAction, so clients print a clear
// message. Implementing one means adding it to the actions table and
// removing it here; TestActionTables keeps the two apart.
var unimplemented = []string{
	"AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
	"DecodeAuthorizationMessage", "GetDelegatedAccessToken",
	"GetFederationToken", "GetWebIdentityToken",
}
