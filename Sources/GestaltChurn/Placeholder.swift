// The churn smoother lands here.
