package tpaga

// Code returns the code the depositor gives at the Efecty kiosk, with the
// Agreement (convenio); ok is false for a nil reference or an empty code.
func (r *Reference) Code() (string, bool) {
	if r == nil || r.Reference == "" {
		return "", false
	}
	return r.Reference, true
}

// Code returns the code the depositor gives at the Efecty kiosk, with the
// Agreement (convenio); ok is false for a nil reference or an empty code.
func (r *PermanentReference) Code() (string, bool) {
	if r == nil || r.Reference == "" {
		return "", false
	}
	return r.Reference, true
}
