"""Pieces shared by every area: time, column types, access control, pagination."""
