package s3api

import (
	"encoding/xml"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
)

// lifecycleDateFormat is how S3 writes lifecycle dates.
const lifecycleDateFormat = "2006-01-02T15:04:05.000Z"

type lifecycleConfigurationDoc struct {
	XMLName xml.Name           `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LifecycleConfiguration"`
	Rules   []lifecycleRuleDoc `xml:"Rule"`
}

type lifecycleRuleDoc struct {
	Expiration                     *lifecycleExpirationDoc            `xml:"Expiration,omitempty"`
	ID                             string                             `xml:"ID"`
	Prefix                         *string                            `xml:"Prefix,omitempty"`
	Filter                         *lifecycleFilterDoc                `xml:"Filter,omitempty"`
	Status                         string                             `xml:"Status"`
	Transitions                    []lifecycleTransitionDoc           `xml:"Transition"`
	NoncurrentVersionTransitions   []lifecycleNoncurrentTransitionDoc `xml:"NoncurrentVersionTransition"`
	NoncurrentVersionExpiration    *lifecycleNoncurrentExpirationDoc  `xml:"NoncurrentVersionExpiration,omitempty"`
	AbortIncompleteMultipartUpload *lifecycleAbortDoc                 `xml:"AbortIncompleteMultipartUpload,omitempty"`
}

type lifecycleExpirationDoc struct {
	Date                      string `xml:"Date,omitempty"`
	Days                      int    `xml:"Days,omitempty"`
	ExpiredObjectDeleteMarker *bool  `xml:"ExpiredObjectDeleteMarker,omitempty"`
}

type lifecyclePredicatesDoc struct {
	Prefix                *string           `xml:"Prefix,omitempty"`
	Tags                  []lifecycleTagDoc `xml:"Tag"`
	ObjectSizeGreaterThan *int64            `xml:"ObjectSizeGreaterThan,omitempty"`
	ObjectSizeLessThan    *int64            `xml:"ObjectSizeLessThan,omitempty"`
}

type lifecycleFilterDoc struct {
	lifecyclePredicatesDoc
	And *lifecyclePredicatesDoc `xml:"And,omitempty"`
}

type lifecycleTagDoc struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type lifecycleTransitionDoc struct {
	Date         string `xml:"Date,omitempty"`
	Days         *int   `xml:"Days,omitempty"`
	StorageClass string `xml:"StorageClass"`
}

type lifecycleNoncurrentTransitionDoc struct {
	NoncurrentDays          int    `xml:"NoncurrentDays"`
	StorageClass            string `xml:"StorageClass"`
	NewerNoncurrentVersions int    `xml:"NewerNoncurrentVersions,omitempty"`
}

type lifecycleNoncurrentExpirationDoc struct {
	NoncurrentDays          int `xml:"NoncurrentDays"`
	NewerNoncurrentVersions int `xml:"NewerNoncurrentVersions,omitempty"`
}

type lifecycleAbortDoc struct {
	DaysAfterInitiation int `xml:"DaysAfterInitiation"`
}

func lifecycleDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(lifecycleDateFormat)
}

// lifecycleConfigurationXML renders a stored configuration the way it
// was written: the legacy top-level Prefix or a Filter of the same form.
func lifecycleConfigurationXML(cfg rules.Config) lifecycleConfigurationDoc {
	doc := lifecycleConfigurationDoc{Rules: make([]lifecycleRuleDoc, len(cfg.Rules))}
	for i, r := range cfg.Rules {
		rd := lifecycleRuleDoc{ID: r.ID, Status: "Disabled"}
		if r.Enabled {
			rd.Status = "Enabled"
		}
		if r.Filter.Form == rules.FormLegacyPrefix {
			p := r.Filter.Prefix
			rd.Prefix = &p
		} else {
			rd.Filter = lifecycleFilterXML(r.Filter)
		}
		if e := r.Expiration; e != nil {
			ed := &lifecycleExpirationDoc{Date: lifecycleDate(e.Date), Days: e.Days}
			if e.DeleteMarkerSet {
				v := e.DeleteMarker
				ed.ExpiredObjectDeleteMarker = &v
			}
			rd.Expiration = ed
		}
		for _, t := range r.Transitions {
			td := lifecycleTransitionDoc{Date: lifecycleDate(t.Date), StorageClass: t.StorageClass}
			if t.Date.IsZero() {
				d := t.Days
				td.Days = &d
			}
			rd.Transitions = append(rd.Transitions, td)
		}
		for _, t := range r.NoncurrentTransitions {
			rd.NoncurrentVersionTransitions = append(rd.NoncurrentVersionTransitions,
				lifecycleNoncurrentTransitionDoc{NoncurrentDays: t.Days, StorageClass: t.StorageClass, NewerNoncurrentVersions: t.Newer})
		}
		if ne := r.NoncurrentExpiration; ne != nil {
			rd.NoncurrentVersionExpiration = &lifecycleNoncurrentExpirationDoc{NoncurrentDays: ne.Days, NewerNoncurrentVersions: ne.Newer}
		}
		if r.AbortDays > 0 {
			rd.AbortIncompleteMultipartUpload = &lifecycleAbortDoc{DaysAfterInitiation: r.AbortDays}
		}
		doc.Rules[i] = rd
	}
	return doc
}

func lifecycleFilterXML(f rules.Filter) *lifecycleFilterDoc {
	p := lifecyclePredicatesDoc{ObjectSizeGreaterThan: f.SizeGreaterThan, ObjectSizeLessThan: f.SizeLessThan}
	for _, t := range f.Tags {
		p.Tags = append(p.Tags, lifecycleTagDoc(t))
	}
	switch f.Form {
	case rules.FormNone:
		return &lifecycleFilterDoc{}
	case rules.FormAnd:
		// An empty prefix is left out unless the And needs it to keep
		// two predicates (as it was sent).
		others := len(f.Tags)
		if f.SizeGreaterThan != nil {
			others++
		}
		if f.SizeLessThan != nil {
			others++
		}
		if f.Prefix != "" || others < 2 {
			p.Prefix = &f.Prefix
		}
		return &lifecycleFilterDoc{And: &p}
	}
	if f.Prefix != "" || len(f.Tags) == 0 && f.SizeGreaterThan == nil && f.SizeLessThan == nil {
		p.Prefix = &f.Prefix
	}
	return &lifecycleFilterDoc{lifecyclePredicatesDoc: p}
}
