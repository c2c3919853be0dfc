package koper.demo.member.dao.impl;

import koper.demo.member.dao.MemberDao;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
public class MemberDaoImpl implements MemberDao {

    private final JdbcTemplate jdbc;

    public MemberDaoImpl(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public int insertMember(String id, String name) {
        return jdbc.update("INSERT INTO koper_members (id, name) VALUES (?, ?)", id, name);
    }

    @Override
    public int deleteMember(String id) {
        return jdbc.update("DELETE FROM koper_members WHERE id = ?", id);
    }
}
