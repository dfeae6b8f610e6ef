function [x,his,xAll] = newtonCG(fun,x0,param)
% [x,his,xAll] = newtonCG(fun,x0,param)
%
% Newton-CG with a backtracking line search, as in the course (slide
% "Gauss-Newton Method": "add line search to be safe!"). Each iteration
% solves the Newton system approximately with pcg (no preconditioner),
%
%   H*s = -grad f(x)     (relative tolerance tolCG, at most maxIterCG steps)
%
% then halves the step mu until f decreases:
%
%   x <- x + mu*s,   mu = 1, 1/2, 1/4, ...   until f(x+mu*s) < f(x) + c1*mu*g'*s
%
% If the CG step is zero it uses -g/norm(g); if it is not a descent
% direction, -g. After an iteration whose first trial was accepted,
% mu <- min(1.5*mu, 1). With the Gauss-Newton H of singleLayerNNObjFun this
% is the Gauss-Newton-CG method of the lecture.
%
% pcg: when it does not reach tolCG within maxIterCG steps (flag 1), or
% stops early because the curvature p'*H*p of a search direction is <= 0
% (Octave's flag 4) or it stagnates (flag 3), it returns the iterate with
% the smallest residual so far, which may be s = 0 (then -g/norm(g) is
% used). cgIter is pcg's 4th output: the index of that returned iterate
% (0 = the zero start), not the number of CG steps done; cgRelRes is its
% relative residual norm(H*s+g)/norm(g), as pcg's recurrence computes it.
%
% Inputs:
%   fun   - function handle [f,g,H] = fun(x): value, gradient (numel(x)
%           entries) and Hessian, as a handle @(v) H*v or a matrix; H (or an
%           approximation such as Gauss-Newton) positive semi-definite
%   x0    - starting guess, vector (used as a column)
%   param - struct, fields (all optional, defaults in brackets):
%           maxIter   [10]    number of Newton iterations
%           tolCG     [1e-2]  relative residual at which pcg stops
%           maxIterCG [10]    at most this many pcg iterations per step
%           gradTol   [0]     stop when norm(grad) <= gradTol (0: run maxIter
%                             iterations, as the course)
%           c1        [0]     sufficient decrease constant (0: any decrease,
%                             as the course)
%           maxLS     [20]    give up after this many line-search trials
%           verbose   [true]  print 'iter.ls  obj  norm(grad)' per trial
%
% Outputs:
%   x    - last accepted iterate, column
%   his  - (nIter+1) x 6 history, one row per iterate (row 1 = x0):
%          [obj, normGrad, mu, lsIter, cgIter, cgRelRes]; row 1 has
%          mu = NaN, lsIter = 0, cgIter = 0, cgRelRes = NaN
%   xAll - numel(x0) x (nIter+1), the iterates in columns (x0 first)
%
% The course's newtonCG records only obj and norm(grad) and runs maxIter
% iterations; this one adds gradTol, c1, the pcg counts and a status line.
% A trial with a NaN or Inf objective counts as a failed trial; when the
% line search fails, newtonCG warns and returns the last accepted iterate.
%
% Called with no arguments, runs a minimal example (Rosenbrock).

if nargin==0, runMinimalExample; return; end
if nargin<3, param = struct(); end
p = setDefaults(param);

x = x0(:);
[f,g,H] = evaluate(fun,x);
if ~isfinite(f) || ~all(isfinite(g))
    error('newtonCG:nonFinite', 'fun(x0) must be finite, got f = %g and %d non-finite gradient entries', ...
        f, sum(~isfinite(g)));
end
mu   = 1;
his  = NaN(p.maxIter+1,6);
xAll = zeros(numel(x),p.maxIter+1);
his(1,:) = [f, norm(g), NaN, 0, 0, NaN];
xAll(:,1) = x;
nIter  = 0;
status = 'maximum number of iterations reached';
if p.verbose, fprintf('%-7s  %-12s  %-10s\n', 'iter.ls', 'obj', 'norm(grad)'); end

for k=1:p.maxIter
    if norm(g) <= p.gradTol
        status = 'gradient tolerance reached'; break;
    end
    [s,flagCG,relres,iterCG] = pcg(asColumnOperator(H),-g,p.tolCG,p.maxIterCG); %#ok<ASGLU>
    if norm(s)==0            % no CG progress: normalised steepest descent
        s = -g/norm(g);
    elseif g'*s >= 0         % not a descent direction: steepest descent
        s = -g;
    end

    accepted = false;
    for ls=1:p.maxLS
        xt = x + mu*s;
        [ft,gt,Ht] = evaluate(fun,xt);
        if p.verbose, fprintf('%3d.%-2d  %1.6e  %1.2e\n', k, ls, ft, norm(g)); end
        if isfinite(ft) && ft < f + p.c1*mu*(g'*s)
            accepted = true; break;
        end
        mu = mu/2;
    end
    if ~accepted
        warning('newtonCG:lineSearch', ...
            'newtonCG: line search failed after %d trials in iteration %d; returning the last iterate', ...
            p.maxLS, k);
        status = 'line search failed'; break;
    end
    muUsed = mu;
    if ls==1, mu = min(1.5*mu,1); end

    x = xt; f = ft; g = gt; H = Ht;
    nIter = k;
    his(k+1,:) = [f, norm(g), muUsed, ls, iterCG, relres];
    xAll(:,k+1) = x;
end
if strcmp(status,'maximum number of iterations reached') && norm(g) <= p.gradTol
    status = 'gradient tolerance reached';
end
his  = his(1:nIter+1,:);
xAll = xAll(:,1:nIter+1);
if p.verbose
    fprintf('newtonCG: %s after %d iterations, obj %1.6e, norm(grad) %1.2e\n', ...
        status, nIter, f, norm(g));
end
end

function p = setDefaults(param)
% fill in the defaults; unknown fields are an error (catches typos)
p = struct('maxIter',10, 'tolCG',1e-2, 'maxIterCG',10, 'gradTol',0, 'c1',0, ...
           'maxLS',20, 'verbose',true);
known = fieldnames(p);
given = fieldnames(param);
for i=1:numel(given)
    if ~any(strcmp(given{i},known))
        error('newtonCG:param', 'param.%s is unknown; known fields: %s', ...
            given{i}, strjoin(known',', '));
    end
    p.(given{i}) = param.(given{i});
end
end

function [f,g,H] = evaluate(fun,x)
% f, g as a column, and H
[f,g,H] = fun(x);
g = g(:);
if numel(g) ~= numel(x)
    error('newtonCG:gradient', 'fun(x) returned a gradient with %d entries, expected %d', ...
        numel(g), numel(x));
end
end

function A = asColumnOperator(H)
% pcg needs H*v as a column: Octave's pcg fails on a row
if isa(H,'function_handle')
    A = @(v) reshape(H(v),[],1);
else
    A = H;
end
end

function runMinimalExample
[x,his] = newtonCG(@rosenbrock, [4;2], struct('maxIter',50, 'gradTol',1e-10));
fprintf('Rosenbrock from [4;2]: x = [%1.12f; %1.12f] (minimiser [1;1]) after %d iterations\n', ...
    x, size(his,1)-1);
end
