module wsms/projections

go 1.26
