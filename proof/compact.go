package proof

// IsCompactJWS reports whether b is a compact JWS (a VC-JWT): three
// non-empty base64url segments joined by dots, nothing else (no padding,
// no white space). It is the module's one answer to "is this a JWT?":
// every reader (the badge pipeline, baking, CLR, status lists, the server
// and the CLI) asks it, so none takes bytes another would refuse.
func IsCompactJWS(b []byte) bool {
	segments, length := 1, 0
	for _, c := range b {
		switch {
		case c == '.':
			if length == 0 {
				return false
			}
			segments++
			length = 0
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
			length++
		default:
			return false
		}
	}
	return segments == 3 && length > 0
}
