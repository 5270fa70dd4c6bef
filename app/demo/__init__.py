"""The demo: call MBI-2026 with its people and synthetic applications."""
