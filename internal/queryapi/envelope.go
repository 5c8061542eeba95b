package queryapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
)

// Namespaces of the services' XML documents. They are wire constants.
const (
	NamespaceIAM = "https://iam.amazonaws.com/doc/2010-05-08/"
	NamespaceSTS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// TimeFormat is how IAM and STS render timestamps: ISO 8601 in UTC with
// second precision ("2013-12-27T12:01:18Z").
const TimeFormat = "2006-01-02T15:04:05Z"

// AppendResult appends the success envelope of action to dst:
// <ActionResponse xmlns=NS><ActionResult>result</ActionResult>
// <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></ActionResponse>.
// result is marshalled by encoding/xml as the Result element's content; a
// nil result leaves the ActionResult element out, as AWS does for actions
// without output (for example DeleteUser).
func AppendResult(dst []byte, ns, action, requestID string, result any) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	buf.WriteString(`<` + action + `Response xmlns="` + ns + `">`)
	if result != nil {
		enc := xml.NewEncoder(buf)
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return dst, err
		}
		if err := enc.Close(); err != nil {
			return dst, err
		}
	}
	buf.WriteString(`<ResponseMetadata><RequestId>`)
	_ = xml.EscapeText(buf, []byte(requestID))
	buf.WriteString(`</RequestId></ResponseMetadata></` + action + `Response>`)
	return buf.Bytes(), nil
}

// AppendError appends the error envelope to dst:
// <ErrorResponse xmlns=NS><Error><Type>Sender</Type><Code>…</Code>
// <Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>.
func AppendError(dst []byte, ns string, e *Error, requestID string) []byte {
	buf := bytes.NewBuffer(dst)
	typ := "Sender"
	if e.Receiver {
		typ = "Receiver"
	}
	buf.WriteString(`<ErrorResponse xmlns="` + ns + `"><Error><Type>` + typ + `</Type><Code>`)
	_ = xml.EscapeText(buf, []byte(e.Code))
	buf.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(buf, []byte(e.Message))
	buf.WriteString(`</Message></Error><RequestId>`)
	_ = xml.EscapeText(buf, []byte(requestID))
	buf.WriteString(`</RequestId></ErrorResponse>`)
	return buf.Bytes()
}

// writeXML sends an XML body with status.
func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
