module wsms/mentoring

go 1.26
