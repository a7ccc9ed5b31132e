package clientify

import (
	"fmt"
	"net/http"
	"strings"
)

// Pipeline is a deal pipeline with its stages (set up in Clientify's UI; read
// only through the API).
type Pipeline struct {
	ID     int     `json:"id"`
	Name   string  `json:"name"`
	Stages []Stage `json:"stages"`
}

// Stage is a pipeline stage; Probability is in tens of percent (4 = "40%").
type Stage struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Probability int    `json:"probability"`
}

// DefaultPipelines is one pipeline, "Ventas", the account's default.
func DefaultPipelines() []Pipeline {
	return []Pipeline{{ID: 85328, Name: "Ventas", Stages: []Stage{
		{376041, "Nuevo", 1}, {376042, "Calificado", 3}, {376043, "Propuesta", 5}, {376044, "Negociación", 8}, {376045, "Cerrado", 10},
	}}}
}

type pipeline struct {
	Pipeline
	def bool
}

type stage struct {
	Stage
	pipeline *pipeline
	position int
}

func (s *Server) setPipelines(ps []Pipeline) {
	s.pipelines, s.stages = nil, nil
	for i, p := range ps {
		pp := &pipeline{Pipeline: p, def: i == 0}
		s.pipelines = append(s.pipelines, pp)
		for j, st := range p.Stages {
			s.stages = append(s.stages, &stage{Stage: st, pipeline: pp, position: j})
		}
	}
}

func (s *Server) pipelineByID(id int) *pipeline {
	for _, p := range s.pipelines {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (s *Server) stageByID(id int) *stage {
	for _, st := range s.stages {
		if st.ID == id {
			return st
		}
	}
	return nil
}

func (s *Server) pipelineByName(name string) *pipeline {
	for _, p := range s.pipelines {
		if strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(name)) {
			return p
		}
	}
	return nil
}

// stageByName finds a stage by name, in p when p is set.
func (s *Server) stageByName(p *pipeline, name string) *stage {
	for _, st := range s.stages {
		if (p == nil || st.pipeline == p) && strings.EqualFold(strings.TrimSpace(st.Name), strings.TrimSpace(name)) {
			return st
		}
	}
	return nil
}

func (s *Server) renderStage(st *stage, v *view) obj {
	return obj{{"url", v.url("deals/pipelines/stages", st.ID)}, {"id", st.ID}, {"pipeline", v.url("deals/pipelines", st.pipeline.ID)},
		{"pipeline_desc", st.pipeline.Name}, {"name", st.Name}, {"position", st.position}, {"probability", st.Probability}}
}

func (s *Server) renderPipeline(p *pipeline, v *view) obj {
	stages := []obj{}
	for _, st := range s.stages {
		if st.pipeline == p {
			stages = append(stages, s.renderStage(st, v))
		}
	}
	return obj{{"url", v.url("deals/pipelines", p.ID)}, {"id", p.ID}, {"user_company", s.opts.Company}, {"name", p.Name},
		{"stages", stages}, {"is_default", p.def}, {"user_default", p.def}}
}

func listPipelines(s *Server, c *call) (int, any, *apiErr) {
	v := c.view(s)
	var items []any
	for _, p := range s.pipelines {
		items = append(items, pick(s.renderPipeline(p, v), v))
	}
	return pageOf(s, c, items)
}

func getPipeline(s *Server, c *call) (int, any, *apiErr) {
	id, _ := c.id(0)
	p := s.pipelineByID(id)
	if p == nil {
		return 0, nil, notFound()
	}
	v := c.view(s)
	return http.StatusOK, pick(s.renderPipeline(p, v), v), nil
}

func listStages(s *Server, c *call) (int, any, *apiErr) {
	v := c.view(s)
	var items []any
	for _, st := range s.stages {
		if pid := c.q.Get("pipeline"); pid != "" && pid != fmt.Sprint(st.pipeline.ID) {
			continue
		}
		items = append(items, pick(s.renderStage(st, v), v))
	}
	return pageOf(s, c, items)
}

func getStage(s *Server, c *call) (int, any, *apiErr) {
	id, _ := c.id(0)
	st := s.stageByID(id)
	if st == nil {
		return 0, nil, notFound()
	}
	v := c.view(s)
	return http.StatusOK, pick(s.renderStage(st, v), v), nil
}
