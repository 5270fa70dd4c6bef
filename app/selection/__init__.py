"""Selection of the call's quota: the proposal, the deliberation's overrides, the stability."""
