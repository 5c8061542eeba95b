package integration_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	coffiam "github.com/coffer-s3/coffer/internal/iam"
)

// iamAs returns an IAM client signing with another key pair.
func iamAs(srv *coffertest.Server, ak, secret string) *iam.Client {
	return srv.IAM(func(o *iam.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(ak, secret, "")
	})
}

func TestIAMUser_lifecycle(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.IAM()
	out, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("storage")}}})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	u := out.User
	if aws.ToString(u.Arn) != "arn:aws:iam::000000000000:user/eng/alice" || aws.ToString(u.Path) != "/eng/" ||
		!strings.HasPrefix(aws.ToString(u.UserId), "AIDA") || u.CreateDate == nil || len(u.Tags) != 1 {
		t.Errorf("CreateUser = %+v", u)
	}
	_, err = c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("Alice")})
	wantCode(t, "CreateUser(Alice)", err, "EntityAlreadyExists", 409)
	for _, n := range []string{"bob", "carol"} {
		if _, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil || aws.ToString(got.User.UserId) != aws.ToString(u.UserId) || len(got.User.Tags) != 1 {
		t.Errorf("GetUser(alice) = %+v, %v", got, err)
	}

	// Paging: two pages of two and one.
	page1, err := c.ListUsers(ctx(t), &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	if err != nil || len(page1.Users) != 2 || !page1.IsTruncated || page1.Marker == nil {
		t.Fatalf("ListUsers(MaxItems 2) = %+v, %v", page1, err)
	}
	page2, err := c.ListUsers(ctx(t), &iam.ListUsersInput{MaxItems: aws.Int32(2), Marker: page1.Marker})
	if err != nil || len(page2.Users) != 1 || page2.IsTruncated || aws.ToString(page2.Users[0].UserName) != "carol" {
		t.Fatalf("ListUsers(page 2) = %+v, %v", page2, err)
	}
	var names []string
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range pg.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if strings.Join(names, ",") != "alice,bob,carol" {
		t.Errorf("ListUsers paginator = %v, want alice,bob,carol", names)
	}
	eng, err := c.ListUsers(ctx(t), &iam.ListUsersInput{PathPrefix: aws.String("/eng/")})
	if err != nil || len(eng.Users) != 1 {
		t.Errorf("ListUsers(/eng/) = %+v, %v", eng, err)
	}

	// Tags.
	if _, err := c.TagUser(ctx(t), &iam.TagUserInput{UserName: aws.String("bob"), Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListUserTags(ctx(t), &iam.ListUserTagsInput{UserName: aws.String("bob")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "v" {
		t.Errorf("ListUserTags = %+v, %v", tags, err)
	}
	if _, err := c.UntagUser(ctx(t), &iam.UntagUserInput{UserName: aws.String("bob"), TagKeys: []string{"k"}}); err != nil {
		t.Fatal(err)
	}

	// Rename and move, then delete.
	if _, err := c.UpdateUser(ctx(t), &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("robert"), NewPath: aws.String("/ops/")}); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	_, err = c.GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("bob")})
	wantCode(t, "GetUser(bob) after the rename", err, "NoSuchEntity", 404)
	r, err := c.GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("robert")})
	if err != nil || aws.ToString(r.User.Arn) != "arn:aws:iam::000000000000:user/ops/robert" {
		t.Errorf("GetUser(robert) = %+v, %v", r, err)
	}
	if _, err := c.DeleteUser(ctx(t), &iam.DeleteUserInput{UserName: aws.String("robert")}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = c.DeleteUser(ctx(t), &iam.DeleteUserInput{UserName: aws.String("robert")})
	wantCode(t, "DeleteUser twice", err, "NoSuchEntity", 404)
	_, err = c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("bad name")})
	wantCode(t, "CreateUser(bad name)", err, "ValidationError", 400)
}

// TestIAMAccessKey_usedForS3 creates a user and its key through the IAM
// API, limits it to one prefix and checks its S3 access, its own
// GetUser, the key limit and that an inactive or deleted key is refused
// on the next request.
func TestIAMAccessKey_usedForS3(t *testing.T) {
	e := newEnv(t)
	c := e.srv.IAM()
	if _, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("writer")}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::` + e.bucket + `/team/*"}]}`
	if err := e.srv.Identity.PutInlinePolicy(ctx(t), coffiam.Entity{Account: coffiam.RootAccountID, Kind: coffiam.EntityUser, Name: "writer"}, "team", doc); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx(t), &iam.CreateAccessKeyInput{UserName: aws.String("writer")})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	ak := k.AccessKey
	if !strings.HasPrefix(aws.ToString(ak.AccessKeyId), "AKIA") || len(aws.ToString(ak.SecretAccessKey)) != 40 ||
		ak.Status != iamtypes.StatusTypeActive || aws.ToString(ak.UserName) != "writer" {
		t.Errorf("CreateAccessKey = %+v", ak)
	}
	id, secret := aws.ToString(ak.AccessKeyId), aws.ToString(ak.SecretAccessKey)
	w := e.asKey(id, secret)
	put := func(key string) error {
		_, err := w.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("x")})
		return err
	}
	if err := put("team/a"); err != nil {
		t.Fatalf("PutObject(team/a) with the new key: %v", err)
	}
	wantCode(t, "PutObject(other/a)", put("other/a"), "AccessDenied", 403)

	// The user's GetUser without a name is itself; it has no IAM rights.
	self := iamAs(e.srv, id, secret)
	_, err = self.GetUser(ctx(t), &iam.GetUserInput{})
	wantCode(t, "GetUser as writer (no iam:GetUser)", err, "AccessDenied", 403)
	if err := e.srv.Identity.PutInlinePolicy(ctx(t), coffiam.Entity{Account: coffiam.RootAccountID, Kind: coffiam.EntityUser, Name: "writer"}, "self",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::000000000000:user/${aws:username}"}]}`); err != nil {
		t.Fatal(err)
	}
	me, err := self.GetUser(ctx(t), &iam.GetUserInput{})
	if err != nil || aws.ToString(me.User.UserName) != "writer" {
		t.Errorf("GetUser as writer = %+v, %v", me, err)
	}
	_, err = self.ListUsers(ctx(t), &iam.ListUsersInput{})
	wantCode(t, "ListUsers as writer", err, "AccessDenied", 403)

	// Key limit, last used, status.
	k2, err := self.CreateAccessKey(ctx(t), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatalf("CreateAccessKey as writer for itself: %v", err)
	}
	_, err = c.CreateAccessKey(ctx(t), &iam.CreateAccessKeyInput{UserName: aws.String("writer")})
	wantCode(t, "third CreateAccessKey", err, "LimitExceeded", 409)
	list, err := c.ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{UserName: aws.String("writer")})
	if err != nil || len(list.AccessKeyMetadata) != 2 {
		t.Errorf("ListAccessKeys = %+v, %v", list, err)
	}
	lu, err := c.GetAccessKeyLastUsed(ctx(t), &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	if err != nil || aws.ToString(lu.UserName) != "writer" || lu.AccessKeyLastUsed == nil {
		t.Errorf("GetAccessKeyLastUsed = %+v, %v", lu, err)
	}
	if _, err := c.UpdateAccessKey(ctx(t), &iam.UpdateAccessKeyInput{UserName: aws.String("writer"), AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatalf("UpdateAccessKey: %v", err)
	}
	wantCode(t, "PutObject with the inactive key", put("team/b"), "InvalidAccessKeyId", 403)
	if _, err := c.UpdateAccessKey(ctx(t), &iam.UpdateAccessKeyInput{UserName: aws.String("writer"), AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if err := put("team/c"); err != nil {
		t.Errorf("PutObject with the reactivated key: %v", err)
	}

	// DeleteConflict until the keys and policies are gone.
	_, err = c.DeleteUser(ctx(t), &iam.DeleteUserInput{UserName: aws.String("writer")})
	wantCode(t, "DeleteUser with keys", err, "DeleteConflict", 409)
	for _, kid := range []string{id, aws.ToString(k2.AccessKey.AccessKeyId)} {
		if _, err := c.DeleteAccessKey(ctx(t), &iam.DeleteAccessKeyInput{UserName: aws.String("writer"), AccessKeyId: aws.String(kid)}); err != nil {
			t.Fatalf("DeleteAccessKey: %v", err)
		}
	}
	wantCode(t, "PutObject with the deleted key", put("team/d"), "InvalidAccessKeyId", 403)
	_, err = c.DeleteAccessKey(ctx(t), &iam.DeleteAccessKeyInput{UserName: aws.String("writer"), AccessKeyId: aws.String(id)})
	wantCode(t, "DeleteAccessKey twice", err, "NoSuchEntity", 404)
}

func TestIAMAccessKey_root(t *testing.T) {
	srv := coffertest.Start(t)
	list, err := srv.IAM().ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{})
	if err != nil || len(list.AccessKeyMetadata) != 1 || aws.ToString(list.AccessKeyMetadata[0].AccessKeyId) != srv.AccessKey ||
		list.AccessKeyMetadata[0].UserName != nil {
		t.Errorf("ListAccessKeys as root = %+v, %v; want the root key", list, err)
	}
	// The root user makes a second key of its own; it signs as the root
	// user for IAM, STS and S3.
	out, err := srv.IAM().CreateAccessKey(ctx(t), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatalf("CreateAccessKey as root: %v", err)
	}
	id, secret := aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey)
	creds := awscreds.NewStaticCredentialsProvider(id, secret, "")
	who, err := srv.STS(func(o *sts.Options) { o.Credentials = creds }).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:iam::"+coffiam.RootAccountID+":root" {
		t.Fatalf("GetCallerIdentity with the new root key = %+v, %v", who, err)
	}
	second := srv.S3(func(o *s3.Options) { o.Credentials = creds })
	if _, err := second.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String("rootkey")}); err != nil {
		t.Fatalf("CreateBucket with the new root key: %v", err)
	}
	_, err = srv.IAM().CreateAccessKey(ctx(t), &iam.CreateAccessKeyInput{})
	wantCode(t, "third root key", err, "LimitExceeded", 409)

	// The new key manages the configured one: deactivated, it stops
	// working; deleted, the new key is the only one.
	rootIAM := iamAs(srv, id, secret)
	if _, err := rootIAM.UpdateAccessKey(ctx(t), &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(srv.AccessKey), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = srv.IAM().ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{})
	wantCode(t, "configured key after deactivation", err, "InvalidClientTokenId", 403)
	if _, err := rootIAM.DeleteAccessKey(ctx(t), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(srv.AccessKey)}); err != nil {
		t.Fatal(err)
	}
	list, err = rootIAM.ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{})
	if err != nil || len(list.AccessKeyMetadata) != 1 || aws.ToString(list.AccessKeyMetadata[0].AccessKeyId) != id {
		t.Errorf("ListAccessKeys after deleting the configured key = %+v, %v", list, err)
	}

	// A restart installs the configured credentials again, active, and
	// keeps the key made through IAM.
	if err := srv.Shutdown(ctx(t)); err != nil {
		t.Fatal(err)
	}
	again := coffertest.Start(t, coffertest.WithDataDir(srv.DataDir))
	list, err = again.IAM().ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{})
	if err != nil || len(list.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys after a restart = %+v, %v; want the configured key and the new one", list, err)
	}
	if _, err := iamAs(again, id, secret).DeleteAccessKey(ctx(t), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = iamAs(again, id, secret).ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{})
	wantCode(t, "deleted root key", err, "InvalidClientTokenId", 403)
}

func TestIAMGroup_membership(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.IAM()
	g, err := c.CreateGroup(ctx(t), &iam.CreateGroupInput{GroupName: aws.String("devs"), Path: aws.String("/eng/")})
	if err != nil || aws.ToString(g.Group.Arn) != "arn:aws:iam::000000000000:group/eng/devs" || !strings.HasPrefix(aws.ToString(g.Group.GroupId), "AGPA") {
		t.Fatalf("CreateGroup = %+v, %v", g, err)
	}
	_, err = c.CreateGroup(ctx(t), &iam.CreateGroupInput{GroupName: aws.String("devs")})
	wantCode(t, "CreateGroup twice", err, "EntityAlreadyExists", 409)
	for _, n := range []string{"u1", "u2", "u3"} {
		if _, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddUserToGroup(ctx(t), &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String(n)}); err != nil {
			t.Fatalf("AddUserToGroup(%s): %v", n, err)
		}
	}
	var members []string
	p := iam.NewGetGroupPaginator(c, &iam.GetGroupInput{GroupName: aws.String("devs"), MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range pg.Users {
			members = append(members, aws.ToString(u.UserName))
		}
	}
	if pages != 2 || strings.Join(members, ",") != "u1,u2,u3" {
		t.Errorf("GetGroup pages = %d, members %v; want 2 pages of u1,u2,u3", pages, members)
	}
	fu, err := c.ListGroupsForUser(ctx(t), &iam.ListGroupsForUserInput{UserName: aws.String("u2")})
	if err != nil || len(fu.Groups) != 1 || aws.ToString(fu.Groups[0].GroupName) != "devs" {
		t.Errorf("ListGroupsForUser = %+v, %v", fu, err)
	}
	lg, err := c.ListGroups(ctx(t), &iam.ListGroupsInput{PathPrefix: aws.String("/eng/")})
	if err != nil || len(lg.Groups) != 1 {
		t.Errorf("ListGroups = %+v, %v", lg, err)
	}
	_, err = c.DeleteGroup(ctx(t), &iam.DeleteGroupInput{GroupName: aws.String("devs")})
	wantCode(t, "DeleteGroup with members", err, "DeleteConflict", 409)
	_, err = c.DeleteUser(ctx(t), &iam.DeleteUserInput{UserName: aws.String("u1")})
	wantCode(t, "DeleteUser in a group", err, "DeleteConflict", 409)
	for _, n := range []string{"u1", "u2", "u3"} {
		if _, err := c.RemoveUserFromGroup(ctx(t), &iam.RemoveUserFromGroupInput{GroupName: aws.String("devs"), UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteGroup(ctx(t), &iam.DeleteGroupInput{GroupName: aws.String("devs")}); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}
	_, err = c.GetGroup(ctx(t), &iam.GetGroupInput{GroupName: aws.String("devs")})
	wantCode(t, "GetGroup after delete", err, "NoSuchEntity", 404)
}

// totpCode is what an authenticator app holding seed shows at t.
func totpCode(t *testing.T, seed []byte, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(string(seed), at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIAMMFA_enable(t *testing.T) {
	fake := clock.NewFake(time.Now())
	srv := coffertest.Start(t, coffertest.WithClock(fake))
	c := srv.IAM()
	if _, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("mo")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.CreateVirtualMFADevice(ctx(t), &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("mo-phone")})
	if err != nil {
		t.Fatalf("CreateVirtualMFADevice: %v", err)
	}
	dev := d.VirtualMFADevice
	serial := aws.ToString(dev.SerialNumber)
	if serial != "arn:aws:iam::000000000000:mfa/mo-phone" || !regexp.MustCompile(`^[A-Z2-7]{64}$`).Match(dev.Base32StringSeed) ||
		!strings.HasPrefix(string(dev.QRCodePNG), "\x89PNG") {
		t.Fatalf("CreateVirtualMFADevice = serial %s seed %q QR %d bytes", serial, dev.Base32StringSeed, len(dev.QRCodePNG))
	}
	now := fake.Now()
	enable := func(c1, c2 string) error {
		_, err := c.EnableMFADevice(ctx(t), &iam.EnableMFADeviceInput{UserName: aws.String("mo"), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)})
		return err
	}
	prev, cur := totpCode(t, dev.Base32StringSeed, now.Add(-30*time.Second)), totpCode(t, dev.Base32StringSeed, now)
	wantCode(t, "EnableMFADevice with codes swapped", enable(cur, prev), "InvalidAuthenticationCode", 403)
	if err := enable(prev, cur); err != nil {
		t.Fatalf("EnableMFADevice: %v", err)
	}
	l, err := c.ListMFADevices(ctx(t), &iam.ListMFADevicesInput{UserName: aws.String("mo")})
	if err != nil || len(l.MFADevices) != 1 || aws.ToString(l.MFADevices[0].SerialNumber) != serial || l.MFADevices[0].EnableDate == nil {
		t.Errorf("ListMFADevices = %+v, %v", l, err)
	}
	v, err := c.ListVirtualMFADevices(ctx(t), &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned})
	if err != nil || len(v.VirtualMFADevices) != 1 || v.VirtualMFADevices[0].User == nil || aws.ToString(v.VirtualMFADevices[0].User.UserName) != "mo" ||
		v.VirtualMFADevices[0].Base32StringSeed != nil {
		t.Errorf("ListVirtualMFADevices(Assigned) = %+v, %v", v, err)
	}
	fake.Advance(5 * time.Minute)
	now = fake.Now()
	if _, err := c.ResyncMFADevice(ctx(t), &iam.ResyncMFADeviceInput{UserName: aws.String("mo"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpCode(t, dev.Base32StringSeed, now)), AuthenticationCode2: aws.String(totpCode(t, dev.Base32StringSeed, now.Add(30*time.Second)))}); err != nil {
		t.Errorf("ResyncMFADevice: %v", err)
	}
	_, err = c.DeleteVirtualMFADevice(ctx(t), &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantCode(t, "DeleteVirtualMFADevice while assigned", err, "DeleteConflict", 409)
	if _, err := c.DeactivateMFADevice(ctx(t), &iam.DeactivateMFADeviceInput{UserName: aws.String("mo"), SerialNumber: aws.String(serial)}); err != nil {
		t.Fatalf("DeactivateMFADevice: %v", err)
	}
	if _, err := c.DeleteVirtualMFADevice(ctx(t), &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}); err != nil {
		t.Fatalf("DeleteVirtualMFADevice: %v", err)
	}
	v, err = c.ListVirtualMFADevices(ctx(t), &iam.ListVirtualMFADevicesInput{})
	if err != nil || len(v.VirtualMFADevices) != 0 {
		t.Errorf("ListVirtualMFADevices after delete = %+v, %v", v, err)
	}
}

func TestIAMAccount_summaryAndAlias(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.IAM()
	for _, n := range []string{"a", "b"} {
		if _, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateGroup(ctx(t), &iam.CreateGroupInput{GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	s, err := c.GetAccountSummary(ctx(t), &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatalf("GetAccountSummary: %v", err)
	}
	for k, want := range map[iamtypes.SummaryKeyType]int32{
		iamtypes.SummaryKeyTypeUsers: 2, iamtypes.SummaryKeyTypeGroups: 1, iamtypes.SummaryKeyTypeRoles: 0,
		iamtypes.SummaryKeyTypeAccessKeysPerUserQuota: 2, iamtypes.SummaryKeyTypeAccountAccessKeysPresent: 1,
		iamtypes.SummaryKeyTypeAccountMFAEnabled: 0, iamtypes.SummaryKeyTypeMFADevices: 0,
	} {
		if got, ok := s.SummaryMap[string(k)]; !ok || got != want {
			t.Errorf("SummaryMap[%s] = %d (present %v), want %d", k, got, ok, want)
		}
	}
	if _, err := c.CreateAccountAlias(ctx(t), &iam.CreateAccountAliasInput{AccountAlias: aws.String("example-corp")}); err != nil {
		t.Fatalf("CreateAccountAlias: %v", err)
	}
	l, err := c.ListAccountAliases(ctx(t), &iam.ListAccountAliasesInput{})
	if err != nil || len(l.AccountAliases) != 1 || l.AccountAliases[0] != "example-corp" {
		t.Errorf("ListAccountAliases = %+v, %v", l, err)
	}
	_, err = c.DeleteAccountAlias(ctx(t), &iam.DeleteAccountAliasInput{AccountAlias: aws.String("other-corp")})
	wantCode(t, "DeleteAccountAlias(other)", err, "NoSuchEntity", 404)
	if _, err := c.DeleteAccountAlias(ctx(t), &iam.DeleteAccountAliasInput{AccountAlias: aws.String("example-corp")}); err != nil {
		t.Fatalf("DeleteAccountAlias: %v", err)
	}
}

// TestIAM_denialNamesResource pins that an IAM denial names the action's
// resource ARN, as AWS's message does.
func TestIAM_denialNamesResource(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.IAM()
	if _, err := c.CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx(t), &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = iamAs(srv, aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)).
		CreateUser(ctx(t), &iam.CreateUserInput{UserName: aws.String("x"), Path: aws.String("/p/")})
	wantCode(t, "CreateUser as a user with no policy", err, "AccessDenied", 403)
	want := "User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/p/x because no identity-based policy allows the iam:CreateUser action"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("CreateUser denial = %v, want the message %q", err, want)
	}
}
