"""The documentation tells the truth: every snippet of README.md and docs/ runs, the site builds."""
