"""The two peers the scale benchmark compares the dbt build with."""
