"""First run: create a wallet (passphrase, recovery phrase, three-word check) or restore
one (from the recovery phrase or from a backup file)."""

from app.onboarding.window import OnboardingWindow

__all__ = ["OnboardingWindow"]
