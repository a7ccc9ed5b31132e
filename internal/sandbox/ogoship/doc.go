// Package ogoship is a stateful fake of the OGOship (myOGO) merchant API v1.
package ogoship
