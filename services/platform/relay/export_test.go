package relay

// SetAfterPublish lets a test act in the window between a batch's
// acknowledgement and its checkpoint.
func (r *Relay) SetAfterPublish(f func()) { r.afterPublish = f }
