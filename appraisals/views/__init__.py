"""Views, one module a part of the service: lists, the appraisal workspace, scoring, results…"""
