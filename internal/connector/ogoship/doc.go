// Package ogoship is ferry's client of the OGOship (myOGO) merchant API v1
// and the mapping between its wire format and internal/model.
package ogoship
