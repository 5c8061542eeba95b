package iamapi

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// MFA parameters (botocore serialNumberType, authenticationCodeType,
// virtualMFADeviceName, assignmentStatusType).
var (
	serialParam     = queryapi.String{Name: "SerialNumber", Field: "serialNumber", Required: true, Min: 9, Max: 256, Pattern: regexp.MustCompile(`[\w+=/:,.@-]+`)}
	code1Param      = queryapi.String{Name: "AuthenticationCode1", Field: "authenticationCode1", Required: true, Min: 6, Max: 6, Pattern: regexp.MustCompile(`[\d]+`)}
	code2Param      = queryapi.String{Name: "AuthenticationCode2", Field: "authenticationCode2", Required: true, Min: 6, Max: 6, Pattern: regexp.MustCompile(`[\d]+`)}
	mfaNameParam    = queryapi.String{Name: "VirtualMFADeviceName", Field: "virtualMFADeviceName", Required: true, Min: 1, Max: 226, Pattern: namePattern}
	assignmentParam = queryapi.String{Name: "AssignmentStatus", Field: "assignmentStatus", Enum: []string{"Assigned", "Unassigned", "Any"}}
)

// virtualMFADevice is IAM's VirtualMFADevice element. The seed and the QR
// code are base64 of their bytes (the seed's bytes are its Base32 text),
// as AWS sends blobs; only CreateVirtualMFADevice fills them.
type virtualMFADevice struct {
	SerialNumber     string        `xml:"SerialNumber"`
	Base32StringSeed string        `xml:"Base32StringSeed,omitempty"`
	QRCodePNG        string        `xml:"QRCodePNG,omitempty"`
	User             *user         `xml:"User,omitempty"`
	EnableDate       string        `xml:"EnableDate,omitempty"`
	Tags             *members[tag] `xml:"Tags,omitempty"`
}

func deviceOut(d iam.VirtualMFADevice) virtualMFADevice {
	out := virtualMFADevice{SerialNumber: d.SerialNumber}
	if len(d.Base32StringSeed) > 0 {
		out.Base32StringSeed = base64.StdEncoding.EncodeToString(d.Base32StringSeed)
	}
	if len(d.QRCodePNG) > 0 {
		out.QRCodePNG = base64.StdEncoding.EncodeToString(d.QRCodePNG)
	}
	if d.User != nil {
		u := userOut(*d.User, false)
		out.User = &u
	}
	if !d.EnableDate.IsZero() {
		out.EnableDate = fmtTime(d.EnableDate)
	}
	if len(d.Tags) > 0 {
		out.Tags = &members[tag]{Member: tagsOut(d.Tags)}
	}
	return out
}

// mfaResource is the ARN of the device CreateVirtualMFADevice names.
func mfaResource(_ context.Context, c *queryapi.Call) string {
	name, _ := c.Params.Get("VirtualMFADeviceName")
	path, ok := c.Params.Get("Path")
	if !ok || path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.Principal.AccountID + ":mfa" + path + name
}

// serialResource is the device named by SerialNumber.
func serialResource(_ context.Context, c *queryapi.Call) string {
	s, _ := c.Params.Get("SerialNumber")
	return s
}

type createVirtualMFADeviceResult struct {
	VirtualMFADevice virtualMFADevice `xml:"VirtualMFADevice"`
}

func (h *handlers) createVirtualMFADevice(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(mfaNameParam)
	if err != nil {
		return nil, err
	}
	path, _, err := c.Params.String(pathParam)
	if err != nil {
		return nil, err
	}
	tags, err := tagsIn(c.Params, "Tags")
	if err != nil {
		return nil, err
	}
	d, err := h.store.CreateVirtualMFADevice(ctx, c.Principal.AccountID, name, path, tags)
	if err != nil {
		return nil, err
	}
	return createVirtualMFADeviceResult{VirtualMFADevice: deviceOut(d)}, nil
}

// mfaUser is the user a device call names: the caller's own without
// UserName, and "" (the root user) when the account's root user names
// itself as iam.RootUserName, as `aws iam enable-mfa-device --user-name
// root` does. Anyone else naming "root" names a user no one may create,
// and the store answers NoSuchEntity.
func mfaUser(c *queryapi.Call) (string, error) {
	name, _, err := selfUser(c)
	if err == nil && c.Principal.Root && strings.EqualFold(name, iam.RootUserName) {
		name = ""
	}
	return name, err
}

// mfaCodes reads a device call's user (the caller's own without one),
// serial number and two codes.
func mfaCodes(c *queryapi.Call) (usr, serial, code1, code2 string, err error) {
	if usr, err = mfaUser(c); err != nil {
		return
	}
	if serial, _, err = c.Params.String(serialParam); err != nil {
		return
	}
	if code1, _, err = c.Params.String(code1Param); err != nil {
		return
	}
	code2, _, err = c.Params.String(code2Param)
	return
}

func (h *handlers) enableMFADevice(ctx context.Context, c *queryapi.Call) (any, error) {
	u, serial, c1, c2, err := mfaCodes(c)
	if err != nil {
		return nil, err
	}
	return nil, h.store.EnableMFADevice(ctx, c.Principal.AccountID, u, serial, c1, c2)
}

func (h *handlers) resyncMFADevice(ctx context.Context, c *queryapi.Call) (any, error) {
	u, serial, c1, c2, err := mfaCodes(c)
	if err != nil {
		return nil, err
	}
	return nil, h.store.ResyncMFADevice(ctx, c.Principal.AccountID, u, serial, c1, c2)
}

func (h *handlers) deactivateMFADevice(ctx context.Context, c *queryapi.Call) (any, error) {
	u, err := mfaUser(c)
	if err != nil {
		return nil, err
	}
	serial, _, err := c.Params.String(serialParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeactivateMFADevice(ctx, c.Principal.AccountID, u, serial)
}

func (h *handlers) deleteVirtualMFADevice(ctx context.Context, c *queryapi.Call) (any, error) {
	serial, _, err := c.Params.String(serialParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteVirtualMFADevice(ctx, c.Principal.AccountID, serial)
}

// mfaDevice is IAM's MFADevice element; the root user's has no UserName.
type mfaDevice struct {
	UserName     string `xml:"UserName,omitempty"`
	SerialNumber string `xml:"SerialNumber"`
	EnableDate   string `xml:"EnableDate"`
}

type listMFADevicesResult struct {
	MFADevices members[mfaDevice] `xml:"MFADevices"`
	paged
}

func (h *handlers) listMFADevices(ctx context.Context, c *queryapi.Call) (any, error) {
	u, err := mfaUser(c)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	ds, page, err := h.store.ListMFADevices(ctx, c.Principal.AccountID, u, o)
	if err != nil {
		return nil, err
	}
	out := listMFADevicesResult{MFADevices: members[mfaDevice]{Member: make([]mfaDevice, len(ds))}, paged: pageOf(page)}
	for i, d := range ds {
		out.MFADevices.Member[i] = mfaDevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: fmtTime(d.EnableDate)}
	}
	return out, nil
}

type listVirtualMFADevicesResult struct {
	VirtualMFADevices members[virtualMFADevice] `xml:"VirtualMFADevices"`
	paged
}

func (h *handlers) listVirtualMFADevices(ctx context.Context, c *queryapi.Call) (any, error) {
	st, _, err := c.Params.String(assignmentParam)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	ds, page, err := h.store.ListVirtualMFADevices(ctx, c.Principal.AccountID, iam.AssignmentStatus(st), o)
	if err != nil {
		return nil, err
	}
	out := listVirtualMFADevicesResult{VirtualMFADevices: members[virtualMFADevice]{Member: make([]virtualMFADevice, len(ds))}, paged: pageOf(page)}
	for i, d := range ds {
		out.VirtualMFADevices.Member[i] = deviceOut(d)
	}
	return out, nil
}
