package adapters

// SetAfterHandle lets a crash test stop the process between handling an
// event and acknowledging it.
func (p *RenewalsFromAgreements) SetAfterHandle(f func()) { p.afterHandle = f }
