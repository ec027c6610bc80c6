package anonymize

// DefaultRecognizers returns a fresh set of every built-in recognizer.
func DefaultRecognizers() []Recognizer {
	return []Recognizer{
		EmailRecognizer{},
		NewPhoneRecognizer(),
		CreditCardRecognizer{},
		IBANRecognizer{},
		IPRecognizer{},
		URLRecognizer{},
		MACRecognizer{},
		CryptoRecognizer{},
		USSSNRecognizer{},
		UKNINORecognizer{},
		ESNIFRecognizer{},
		LatAmIDRecognizer{},
		USDriverLicenseRecognizer{},
		DateTimeRecognizer{},
		PersonRecognizer{},
		StreetAddressRecognizer{},
		LocationRecognizer{},
	}
}
