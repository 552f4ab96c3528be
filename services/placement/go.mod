module wsms/placement

go 1.26
