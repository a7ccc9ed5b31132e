package mycashflow

import "fmt"

// Finnish business ids (Y-tunnus) carry a check digit: the seven digits weighted
// 7, 9, 10, 5, 8, 4, 2, summed modulo 11; remainder 0 gives 0, remainder 1 is
// never issued, any other gives 11 − remainder. The VAT code is "FI" + the eight
// digits without the hyphen. Odoo's base_vat checks exactly this, so generated
// business customers carry valid codes except the few that are bad on purpose.

var ytunnusWeights = [7]int{7, 9, 10, 5, 8, 4, 2}

// ytunnusCheck returns the check digit of seven digits, or false when the
// remainder is 1 and no check digit exists.
func ytunnusCheck(digits string) (int, bool) {
	sum := 0
	for i, w := range ytunnusWeights {
		sum += int(digits[i]-'0') * w
	}
	switch r := sum % 11; r {
	case 0:
		return 0, true
	case 1:
		return 0, false
	default:
		return 11 - r, true
	}
}

// validFinnishVAT reports whether code is FI + 7 digits + their check digit.
func validFinnishVAT(code string) bool {
	if len(code) != 10 || code[:2] != "FI" {
		return false
	}
	for _, c := range code[2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	d, ok := ytunnusCheck(code[2:9])
	return ok && int(code[9]-'0') == d
}

// finnishVAT makes a valid VAT code from n (any non-negative number): the seven
// digits come from n, moved on by one while their remainder is 1.
func finnishVAT(n int) string {
	base := 1000000 + n%9000000
	for {
		digits := fmt.Sprintf("%07d", base)
		if d, ok := ytunnusCheck(digits); ok {
			return fmt.Sprintf("FI%s%d", digits, d)
		}
		base = 1000000 + (base-1000000+1)%9000000
	}
}

// badFinnishVAT is finnishVAT(n) with a wrong check digit, for the customers that
// are invalid on purpose.
func badFinnishVAT(n int) string {
	good := finnishVAT(n)
	return good[:9] + fmt.Sprint((int(good[9]-'0')+1)%10)
}

// badVATCustomer reports whether the b-th business customer (0-based) gets an
// invalid VAT code: the fourth, then every twentieth, so the default shop (five
// business customers) has one.
func badVATCustomer(b int) bool { return b%20 == 3 }

// badVATCompany is the company name of those customers, so a person reading a
// refusal sees why.
const badVATCompany = "Huono Oy"
